package io.mvmci.ops.consistency;

import io.mvmci.store.ConsistencyQueries.Check;
import io.mvmci.store.ConsistencyQueries.Report;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * What one consistency check's reports say. Only the copies of one schema version compare (during a
 * rolling upgrade the others are listed as {@code notCompared}): the version most members reported,
 * the newest on a tie.
 *
 * @param outcome {@code agree} (every member reported, all the same), {@code pending} (the reports so
 *     far agree, some member has not reported), or {@code differ} (two digests)
 * @param majority the digest more than half of the compared copies hold, or null
 * @param differing the members whose digest is not the majority's (empty while no majority is known)
 * @param differingTables the tables whose digests are not the same on every compared copy
 * @param notCompared members that reported another schema version
 */
public record Verdict(String outcome, String majority, List<Integer> differing, List<String> differingTables,
    List<Integer> notCompared) {
  public static final String AGREE = "agree";
  public static final String PENDING = "pending";
  public static final String DIFFER = "differ";

  /** The verdict on {@code check}, of a group of {@code members} voting members. */
  public static Verdict of(Check check, int members) {
    List<Report> reports = check.reports();
    if (reports.isEmpty()) {
      return new Verdict(PENDING, null, List.of(), List.of(), List.of());
    }
    Map<Integer, Integer> bySchema = new HashMap<>();
    reports.forEach(r -> bySchema.merge(r.schema(), 1, Integer::sum));
    int schema = bySchema.entrySet().stream()
        .max(Comparator.<Map.Entry<Integer, Integer>>comparingInt(Map.Entry::getValue).thenComparing(Map.Entry::getKey))
        .orElseThrow().getKey();
    List<Report> compared = reports.stream().filter(r -> r.schema() == schema).toList();
    List<Integer> notCompared = reports.stream().filter(r -> r.schema() != schema).map(Report::nodeId).toList();

    Map<String, Integer> byDigest = new HashMap<>();
    compared.forEach(r -> byDigest.merge(r.digest(), 1, Integer::sum));
    String majority = null;
    for (Map.Entry<String, Integer> e : byDigest.entrySet()) {
      if (e.getValue() * 2 > Math.max(members, compared.size())) {
        majority = e.getKey();
      }
    }
    String agreed = majority;
    List<Integer> differing = agreed == null ? List.of()
        : compared.stream().filter(r -> !r.digest().equals(agreed)).map(Report::nodeId).toList();
    String outcome = byDigest.size() > 1 ? DIFFER : reports.size() >= members ? AGREE : PENDING;
    return new Verdict(outcome, majority, differing, byDigest.size() > 1 ? differingTables(compared) : List.of(),
        notCompared);
  }

  /** Tables whose {@code name=digest/rows} entry is not the same in every report. */
  private static List<String> differingTables(List<Report> reports) {
    Map<String, String> first = tables(reports.get(0).tables());
    TreeSet<String> differ = new TreeSet<>();
    for (Report r : reports.subList(1, reports.size())) {
      Map<String, String> other = tables(r.tables());
      TreeSet<String> names = new TreeSet<>(first.keySet());
      names.addAll(other.keySet());
      for (String name : names) {
        if (!java.util.Objects.equals(first.get(name), other.get(name))) {
          differ.add(name);
        }
      }
    }
    return new ArrayList<>(differ);
  }

  private static Map<String, String> tables(String summary) {
    Map<String, String> out = new HashMap<>();
    for (String entry : summary.split(" ")) {
      int eq = entry.indexOf('=');
      if (eq > 0) {
        out.put(entry.substring(0, eq), entry.substring(eq + 1));
      }
    }
    return out;
  }
}
