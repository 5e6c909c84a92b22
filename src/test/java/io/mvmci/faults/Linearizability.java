package io.mvmci.faults;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A linearizability checker for one object's history, in the manner of Porcupine (Go) and Knossos
 * (Clojure): the Wing–Gong search with Lowe's memo of (operations linearized, state) pairs, as in
 * Porcupine's {@code checker.go}. Hand-written because neither has a JVM counterpart on Maven
 * Central (Knossos is on Clojars and needs Clojure; Lincheck tests data structures in one process,
 * not recorded histories). Operations whose outcome is unknown are left out by the caller, which is
 * sound only for a model, like {@link JobRegister}, whose reads may observe writes no client made.
 */
final class Linearizability {
  private Linearizability() {}

  /** A sequential specification: the state after {@code op} from {@code state}, or empty if op cannot happen there. */
  interface Model<S, O> {
    S init();

    Optional<S> step(S state, O op);
  }

  /** An operation with its real-time interval (invoke ≤ complete). */
  record Entry<O>(O op, long invoke, long complete) {}

  /**
   * Whether the history has a linearization. On failure, the operation that the search could not
   * linearize when it had gone furthest, and how many it had linearized then.
   */
  record Verdict<O>(boolean ok, O stuckAt, int longestPrefix) {}

  private static final class Event<O> {
    final int id;
    final boolean call;
    final Entry<O> entry;
    Event<O> prev;
    Event<O> next;
    Event<O> match;

    Event(int id, boolean call, Entry<O> entry) {
      this.id = id;
      this.call = call;
      this.entry = entry;
    }
  }

  private record Memo<S>(BitSet done, S state) {}

  private record Frame<S, O>(Event<O> call, S state) {}

  static <S, O> Verdict<O> check(Model<S, O> model, List<Entry<O>> history) {
    List<Event<O>> events = new ArrayList<>();
    for (int i = 0; i < history.size(); i++) {
      Event<O> call = new Event<>(i, true, history.get(i));
      Event<O> ret = new Event<>(i, false, history.get(i));
      call.match = ret;
      events.add(call);
      events.add(ret);
    }
    // by time; at a tie a call comes first (operations that touch are taken as concurrent)
    events.sort(Comparator.<Event<O>>comparingLong(e -> e.call ? e.entry.invoke() : e.entry.complete())
        .thenComparing(e -> e.call ? 0 : 1));
    Event<O> head = new Event<>(-1, true, null);
    Event<O> last = head;
    for (Event<O> e : events) {
      last.next = e;
      e.prev = last;
      last = e;
    }
    Set<Memo<S>> seen = new HashSet<>();
    Deque<Frame<S, O>> stack = new ArrayDeque<>();
    BitSet done = new BitSet(history.size());
    S state = model.init();
    int longest = 0;
    O deepest = null;
    int deepestDone = -1;
    Event<O> entry = head.next;
    while (head.next != null) {
      if (entry.call) {
        Optional<S> after = model.step(state, entry.entry.op());
        if (after.isPresent()) {
          BitSet with = (BitSet) done.clone();
          with.set(entry.id);
          if (seen.add(new Memo<>(with, after.get()))) {
            stack.push(new Frame<>(entry, state));
            state = after.get();
            done = with;
            longest = Math.max(longest, done.cardinality());
            lift(entry);
            entry = head.next;
            continue;
          }
        }
        entry = entry.next;
      } else {
        if (done.cardinality() > deepestDone) {
          deepestDone = done.cardinality();
          deepest = entry.entry.op();
        }
        if (stack.isEmpty()) {
          return new Verdict<>(false, deepest, longest);
        }
        Frame<S, O> top = stack.pop();
        state = top.state();
        done.clear(top.call().id);
        unlift(top.call());
        entry = top.call().next;
      }
    }
    return new Verdict<>(true, null, history.size());
  }

  private static <O> void lift(Event<O> call) {
    call.prev.next = call.next;
    if (call.next != null) {
      call.next.prev = call.prev;
    }
    Event<O> ret = call.match;
    ret.prev.next = ret.next;
    if (ret.next != null) {
      ret.next.prev = ret.prev;
    }
  }

  private static <O> void unlift(Event<O> call) {
    Event<O> ret = call.match;
    ret.prev.next = ret;
    if (ret.next != null) {
      ret.next.prev = ret;
    }
    call.prev.next = call;
    if (call.next != null) {
      call.next.prev = call;
    }
  }
}
