package io.mvmci.replication.tls;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.statemachine.impl.BaseStateMachine;

/** A counter: every applied entry adds one; a query answers the current value. Tests only. */
final class CounterStateMachine extends BaseStateMachine {
  static final Message INCREMENT = Message.valueOf("INCREMENT");

  private final AtomicLong value = new AtomicLong();

  long value() {
    return value.get();
  }

  @Override
  public CompletableFuture<Message> applyTransaction(TransactionContext trx) {
    LogEntryProto entry = trx.getLogEntry();
    long now = value.incrementAndGet();
    updateLastAppliedTermIndex(entry.getTerm(), entry.getIndex());
    return CompletableFuture.completedFuture(Message.valueOf(Long.toString(now)));
  }

  @Override
  public CompletableFuture<Message> query(Message request) {
    return CompletableFuture.completedFuture(Message.valueOf(Long.toString(value.get())));
  }

  static long parse(Message reply) {
    return Long.parseLong(reply.getContent().toString(StandardCharsets.UTF_8));
  }
}
