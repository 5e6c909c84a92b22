package io.mvmci.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** A plain-text table for people: a header, columns as wide as their widest cell (capped). */
final class Table {
  static final int MAX_CELL = 80;
  private final List<String[]> rows = new ArrayList<>();

  Table(String... header) {
    rows.add(header);
  }

  Table row(Object... cells) {
    String[] r = new String[cells.length];
    for (int i = 0; i < cells.length; i++) {
      String s = cells[i] == null ? "" : String.valueOf(cells[i]).replace('\n', ' ');
      r[i] = s.length() > MAX_CELL ? s.substring(0, MAX_CELL - 1) + "…" : s;
    }
    rows.add(r);
    return this;
  }

  void print(PrintWriter out) {
    int[] width = new int[rows.get(0).length];
    for (String[] r : rows) {
      for (int i = 0; i < r.length && i < width.length; i++) {
        width[i] = Math.max(width[i], r[i].length());
      }
    }
    for (String[] r : rows) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < r.length && i < width.length; i++) {
        line.append(i == r.length - 1 ? r[i] : String.format("%-" + width[i] + "s  ", r[i]));
      }
      out.println(line.toString().stripTrailing());
    }
    out.flush();
  }
}
