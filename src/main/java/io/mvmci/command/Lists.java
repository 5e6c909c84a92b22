package io.mvmci.command;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Function;

/** Lists on the wire: a u32 count, then the items. */
final class Lists {
  private Lists() {}

  static <T> void write(WireWriter w, List<T> items, BiConsumer<T, WireWriter> item) {
    w.i32(items.size());
    for (T t : items) {
      item.accept(t, w);
    }
  }

  static <T> List<T> read(WireReader r, Function<WireReader, T> item) {
    int n = r.i32();
    if (n < 0 || n > CommandCodec.MAX_COMMANDS) {
      throw new MalformedCommandException("list length " + n);
    }
    List<T> out = new ArrayList<>(Math.min(n, 1024));
    for (int i = 0; i < n; i++) {
      out.add(item.apply(r));
    }
    return List.copyOf(out);
  }
}
