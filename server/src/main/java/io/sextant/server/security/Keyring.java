package io.sextant.server.security;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The keys in force on a running server. With a keys file, the file is read again every {@link
 * #EVERY} and its keys replace the old ones when its bytes changed, so {@code sextant keys revoke}
 * (or an edit by hand) takes effect within a second, without a restart. The whole file is compared,
 * not its modification time, which some file systems keep to the second or two.
 *
 * <p>A file that can no longer be read or parsed (a hand edit half done, a file removed) leaves the
 * keys read last in force, with a warning: locking every exporter out would lose telemetry, and
 * {@code sextant keys} never writes such a file.
 */
public final class Keyring implements Supplier<Tokens>, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Keyring.class);

  /** How often the keys file is read again. */
  public static final Duration EVERY = Duration.ofSeconds(1);

  private final Path file;
  private final ApiToken extra;
  private volatile Tokens current;
  private byte[] lastRead;
  private String lastProblem;
  private ScheduledExecutorService looks;

  private Keyring(Path file, Tokens tokens, ApiToken extra, byte[] read) {
    this.file = file;
    this.extra = extra;
    this.current = extra == null ? tokens : tokens.with(extra);
    this.lastRead = read;
  }

  /** Keys that never change. */
  public static Keyring fixed(Tokens tokens) {
    return new Keyring(null, tokens, null, null);
  }

  /** The keys of {@code file}, read now (a bad file is refused) and again every {@link #EVERY}. */
  public static Keyring watching(Path file) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    return new Keyring(
        file,
        Tokens.parse(file.toString(), new String(bytes, StandardCharsets.UTF_8)),
        null,
        bytes);
  }

  /** These keys and {@code more}, which stays in force across reloads (Sextant's own token). */
  public Keyring with(ApiToken more) {
    return new Keyring(file, current, more, lastRead);
  }

  @Override
  public Tokens get() {
    return current;
  }

  public boolean enabled() {
    return current.enabled();
  }

  /**
   * Reads the file again and puts its keys in force if it changed. Answers whether they changed.
   */
  public synchronized boolean refresh() {
    if (file == null) {
      return false;
    }
    byte[] bytes;
    Tokens loaded;
    try {
      bytes = Files.readAllBytes(file);
      if (Arrays.equals(bytes, lastRead)) {
        return false;
      }
      loaded = Tokens.parse(file.toString(), new String(bytes, StandardCharsets.UTF_8));
    } catch (IOException | IllegalArgumentException | UncheckedIOException e) {
      String problem = e instanceof NoSuchFileException ? "it is gone" : e.getMessage();
      if (!problem.equals(lastProblem)) {
        log.warn(
            "the keys file {} changed but could not be read ({}); the keys read last stay in force",
            file,
            problem);
        lastProblem = problem;
      }
      return false;
    }
    lastProblem = null;
    lastRead = bytes;
    current = extra == null ? loaded : loaded.with(extra);
    log.info("keys reloaded from {}: {} in force", file, loaded.all().size());
    return true;
  }

  /** Starts reading the file every {@link #EVERY}; nothing for fixed keys. */
  public synchronized Keyring start() {
    if (file != null && looks == null) {
      looks =
          Executors.newSingleThreadScheduledExecutor(
              Thread.ofVirtual().name("keys-file-watch").factory());
      looks.scheduleWithFixedDelay(
          this::refresh, EVERY.toMillis(), EVERY.toMillis(), TimeUnit.MILLISECONDS);
    }
    return this;
  }

  @Override
  public synchronized void close() {
    if (looks != null) {
      looks.shutdownNow();
      looks = null;
    }
  }
}
