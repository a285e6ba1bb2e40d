package io.sextant.server.fuzz;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A seeded fuzz driver: runs a parser on many inputs, each one an answer or the parser's documented
 * refusal. Anything else (another exception, an {@link Error} such as a stack overflow) fails the
 * test with the seed, the execution and the input, made smaller first by deleting pieces while it
 * still fails the same way, and saved under {@code target/fuzz-failures/}. A parse longer than
 * {@link #HANG} is reported the same way (not made smaller) by a watchdog, which then ends the JVM:
 * a stuck thread cannot be stopped.
 *
 * <p>Runs are repeatable: {@code -Dfuzz.seed=N} (default 1) fixes every input, {@code
 * -Dfuzz.executions=N} (default 2,000 a property, CI's bounded pass) sets the count, {@code
 * -Dfuzz.seed=random} draws a new seed and prints it.
 */
public final class Fuzz<T> {
  /** A parse longer than this is a hang. The parsers' real cost is well under a millisecond. */
  static final long HANG = TimeUnit.SECONDS.toNanos(10);

  /** A long run prints its progress every this many executions. */
  private static final long PROGRESS = 1_000_000;

  /** The first inputs of a parser load its classes on a loaded machine: not timed. */
  private static final int WARM_UP = 50;

  /** The parser under test; it may throw one of the refusals it documents. */
  @FunctionalInterface
  public interface Target<T> {
    void run(T input) throws Exception;
  }

  private final String name;
  private final Target<T> target;
  private final Set<Class<? extends Throwable>> refusals;
  private final Function<T, byte[]> bytes;
  private final Function<byte[], T> input;
  // The parser runs on the caller's thread (a hand-over per input cost as much as the parsers);
  // a watchdog notices a parse that outlasts HANG, reports it with its input and, since a thread
  // cannot be stopped, ends the JVM: a hang fails the run either way.
  private volatile long startedAt;
  private volatile T running;
  private Thread watchdog;
  private long executions;
  private long refused;

  private Fuzz(
      String name,
      Target<T> target,
      Set<Class<? extends Throwable>> refusals,
      Function<T, byte[]> bytes,
      Function<byte[], T> input) {
    this.name = name;
    this.target = target;
    this.refusals = refusals;
    this.bytes = bytes;
    this.input = input;
  }

  /** A fuzzer over byte inputs. */
  @SafeVarargs
  public static Fuzz<byte[]> bytes(
      String name, Target<byte[]> target, Class<? extends Throwable>... refusals) {
    return new Fuzz<>(name, target, Set.of(refusals), b -> b, b -> b);
  }

  /** A fuzzer over text inputs. */
  @SafeVarargs
  public static Fuzz<String> text(
      String name, Target<String> target, Class<? extends Throwable>... refusals) {
    return new Fuzz<>(
        name,
        target,
        Set.of(refusals),
        s -> s.getBytes(StandardCharsets.UTF_8),
        b -> new String(b, StandardCharsets.UTF_8));
  }

  /** The seed of this run ({@code -Dfuzz.seed}), mixed with {@code salt} per property. */
  public static Random random(String salt) {
    String text = System.getProperty("fuzz.seed", "1");
    long seed = "random".equals(text) ? new Random().nextLong() : Long.parseLong(text);
    if ("random".equals(text)) {
      System.out.println("fuzz seed " + seed + " (repeat with -Dfuzz.seed=" + seed + ")");
    }
    return new Random(seed * 31 + salt.hashCode());
  }

  /** How many inputs a property gets ({@code -Dfuzz.executions}, default 2,000). */
  public static int executions() {
    return Integer.getInteger("fuzz.executions", 2_000);
  }

  /**
   * Runs the parser on {@code input}: fails the test unless it answers or refuses as documented.
   * Returns true when it answered.
   */
  public boolean check(T input) {
    Throwable problem = outcome(input);
    executions++;
    if (executions % PROGRESS == 0) { // a long run's figures survive it being stopped
      System.out.printf(
          "fuzz %s %,d executions, %,d refused so far, 0 crashes%n", name, executions, refused);
    }
    if (problem == null) {
      return true;
    }
    if (refusals.stream().anyMatch(r -> r.isInstance(problem))) {
      refused++;
      if (problem.getMessage() == null || problem.getMessage().isBlank()) {
        failWith(input, new AssertionError("a refusal without a sentence", problem));
      }
      return false;
    }
    failWith(input, problem);
    return false;
  }

  /** Prints {@code fuzz <name> N executions, M refused}, the figures bench/README.md records. */
  public void report() {
    if (watchdog != null) {
      watchdog.interrupt();
    }
    System.out.printf("fuzz %s %,d executions, %,d refused%n", name, executions, refused);
  }

  private Throwable outcome(T input) {
    if (watchdog == null) {
      watchdog = Thread.ofPlatform().daemon().name("fuzz-watchdog").start(this::watch);
    }
    running = input;
    startedAt = executions < WARM_UP ? Long.MAX_VALUE : System.nanoTime();
    try {
      target.run(input);
      return null;
    } catch (Throwable t) {
      return t;
    } finally {
      startedAt = 0;
    }
  }

  private void watch() {
    while (!Thread.currentThread().isInterrupted()) {
      try {
        Thread.sleep(500);
      } catch (InterruptedException e) {
        return;
      }
      long at = startedAt;
      T input = running;
      if (at != 0 && at != Long.MAX_VALUE && System.nanoTime() - at > HANG && input != null) {
        Path saved = save(bytes.apply(input));
        System.err.println(
            "fuzz "
                + name
                + ": execution "
                + (executions + 1)
                + " (seed "
                + System.getProperty("fuzz.seed", "1")
                + ") failed with "
                + new Hang()
                + ", input saved to "
                + saved);
        System.err.flush();
        Runtime.getRuntime().halt(70);
      }
    }
  }

  private void failWith(T input, Throwable problem) {
    byte[] raw = smaller(bytes.apply(input), problem.getClass());
    Path saved = save(raw);
    String shown =
        raw.length <= 512
            ? "\n  as text: "
                + new String(raw, StandardCharsets.UTF_8)
                + "\n  as hex:  "
                + HexFormat.of().formatHex(raw)
            : "";
    if (watchdog != null) {
      watchdog.interrupt();
    }
    fail(
        "fuzz "
            + name
            + ": execution "
            + (executions + 1)
            + " (seed "
            + System.getProperty("fuzz.seed", "1")
            + ") failed with "
            + problem
            + ", input of "
            + raw.length
            + " bytes saved to "
            + saved
            + shown,
        problem);
  }

  /**
   * Deletes pieces of {@code raw}, halving their size, while the parser still fails with the same
   * kind of problem: the input a person reads is the smallest this finds.
   */
  private byte[] smaller(byte[] raw, Class<? extends Throwable> kind) {
    byte[] best = raw;
    for (int chunk = Math.max(1, best.length / 2); chunk >= 1; chunk /= 2) {
      for (int at = 0; at + chunk <= best.length; ) {
        byte[] cut = new byte[best.length - chunk];
        System.arraycopy(best, 0, cut, 0, at);
        System.arraycopy(best, at + chunk, cut, at, best.length - at - chunk);
        Throwable again = outcome(input.apply(cut));
        if (again != null && again.getClass() == kind) {
          best = cut;
        } else {
          at += chunk;
        }
      }
    }
    return best;
  }

  private Path save(byte[] raw) {
    try {
      Path dir = Path.of("target", "fuzz-failures");
      Files.createDirectories(dir);
      Path file = dir.resolve(name.replaceAll("[^A-Za-z0-9_.-]", "_") + "-" + System.nanoTime());
      Files.write(file, raw);
      return file.toAbsolutePath();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A parse that did not end within {@link #HANG}. */
  private static final class Hang extends AssertionError {
    Hang() {
      super("no answer within " + TimeUnit.NANOSECONDS.toSeconds(HANG) + " s");
    }
  }
}
