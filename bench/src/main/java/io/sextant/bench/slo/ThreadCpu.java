package io.sextant.bench.slo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * This process's CPU by thread name, from {@code /proc/self/task} (Linux): the JVM's own threads
 * (GC, the JIT compilers) and DuckDB's workers ({@code java}) included, which the JVM's thread bean
 * does not see. Names that differ only in digits are added up ({@code GC Thread#N}).
 */
final class ThreadCpu {
  private ThreadCpu() {}

  /** Clock ticks of CPU (user + system) by thread name; empty where there is no /proc. */
  static Map<String, Long> snapshot() {
    Map<String, Long> out = new HashMap<>();
    try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
      for (Path task : tasks.toList()) {
        try {
          String stat = Files.readString(task.resolve("stat"));
          String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
          String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
          // After the name: state is field 3 of stat(5), utime 14 and stime 15.
          long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
          out.merge(name.replaceAll("[0-9]+", "N"), ticks, Long::sum);
        } catch (IOException | RuntimeException e) {
          // the thread ended while being read
        }
      }
    } catch (IOException e) {
      return Map.of();
    }
    return out;
  }

  /**
   * The {@code n} names that took the most CPU between two snapshots, in seconds at 100 ticks a
   * second. A thread that ended in between is missing from the second: it shows no CPU.
   */
  static String top(Map<String, Long> before, Map<String, Long> after, int n) {
    List<Map.Entry<String, Long>> delta =
        after.entrySet().stream()
            .map(e -> Map.entry(e.getKey(), e.getValue() - before.getOrDefault(e.getKey(), 0L)))
            .filter(e -> e.getValue() > 0)
            .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
            .limit(n)
            .toList();
    return delta.stream()
        .map(e -> String.format(Locale.ROOT, "%s %.2f s", e.getKey(), e.getValue() / 100.0))
        .collect(Collectors.joining(", "));
  }
}
