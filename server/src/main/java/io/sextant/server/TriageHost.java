package io.sextant.server;

import io.sextant.model.Event;
import io.sextant.query.Engine;
import io.sextant.server.api.TriageApi;
import io.sextant.store.spi.EventStore;
import io.sextant.topology.ChangeLog;
import io.sextant.topology.health.HealthPoller;
import io.sextant.triage.DurableBook;
import io.sextant.triage.FootprintBook;
import io.sextant.triage.Triage;
import io.sextant.triage.probe.Probe;
import io.sextant.triage.probe.ProbeSuite;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running probe suite and its triage, over the operations tenant's view: started from a suite
 * or a probes file, reloaded when the file changes, and served by {@link #api()}. What triage has
 * learned (footprints, flake history) is kept across reloads.
 */
final class TriageHost implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(TriageHost.class);

  private final EventStore store;
  private final Engine engine;
  private final Consumer<List<Event>> sink;
  private final HealthPoller health;
  private final ChangeLog changes;
  private final Clock clock;
  private final TriageApi api;

  private volatile Triage triage;
  // What triage has learned, kept across reloads of the probe suite (docs/probes.md).
  private FootprintBook book;
  private Path probesFile;
  private Map<String, String> probeVariables = Map.of();
  private String probesDigest;
  private ProbeFileWatch probesWatch;

  TriageHost(
      EventStore store,
      Engine engine,
      Consumer<List<Event>> sink,
      HealthPoller health,
      ChangeLog changes,
      Clock clock) {
    this.store = store;
    this.engine = engine;
    this.sink = sink;
    this.health = health;
    this.changes = changes;
    this.clock = clock;
    this.api = new TriageApi(() -> triage, this::reload);
  }

  /** The probes and triage routes, over whichever triage runs. */
  TriageApi api() {
    return api;
  }

  /** The running triage, or null. */
  Triage triage() {
    return triage;
  }

  /** Starts triage over {@code suite}, replacing a triage started before. */
  synchronized Triage start(ProbeSuite suite) {
    stopWatching();
    probesFile = null;
    return replace(suite, null);
  }

  /**
   * Starts triage over the probes of {@code file}, and reloads them when the file changes (looked
   * at every {@link ProbeFileWatch#EVERY}) or on {@link #reload}.
   */
  synchronized Triage start(Path file, Map<String, String> variables) throws IOException {
    byte[] text = Files.readAllBytes(file);
    ProbeSuite suite = parse(file, text, variables);
    stopWatching();
    Triage t = replace(suite, null);
    probesFile = file;
    probeVariables = Map.copyOf(variables);
    probesDigest = digest(text);
    probesWatch =
        new ProbeFileWatch(
                file,
                () -> {
                  try {
                    api.exclusively(this::reload);
                    return true;
                  } catch (TriageApi.Refused e) {
                    return false; // a triage under way for 30 s: again at the next look
                  } catch (IllegalArgumentException | IllegalStateException e) {
                    throw e;
                  } catch (Exception e) {
                    throw new IllegalStateException(e.getMessage(), e);
                  }
                })
            .start();
    return t;
  }

  /** See {@link SextantServer#reloadProbes()}. */
  synchronized SextantServer.Reload reload() throws IOException {
    if (probesFile == null) {
      throw new IllegalStateException(
          triage == null
              ? "no probes are configured: start the server with --probes probes.yaml"
              : "the probes were given by the program that embeds Sextant, not read from a file:"
                  + " there is nothing to reload");
    }
    byte[] text;
    try {
      text = Files.readAllBytes(probesFile);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "cannot read " + probesFile + ": " + e.getClass().getSimpleName(), e);
    }
    ProbeSuite next = parse(probesFile, text, probeVariables);
    ProbeSuite now = triage.suite();
    List<String> unchanged = new ArrayList<>();
    List<String> changed = new ArrayList<>();
    List<String> removed = new ArrayList<>();
    for (Probe p : next.probes()) {
      Probe before = now.get(p.name());
      (before != null && before.requestKey().equals(p.requestKey()) ? unchanged : changed)
          .add(p.name());
    }
    for (Probe p : now.probes()) {
      if (next.get(p.name()) == null) {
        removed.add(p.name());
      }
    }
    String digest = digest(text);
    if (!digest.equals(probesDigest)) {
      List<String> forget = new ArrayList<>(changed);
      forget.addAll(removed);
      replace(next, forget);
      probesDigest = digest;
      log.info(
          "probes reloaded from {}: {} probes, {} unchanged, {} new or changed, {} removed",
          probesFile,
          next.probes().size(),
          unchanged.size(),
          changed.size(),
          removed.size());
    }
    return new SextantServer.Reload(
        next.probes().stream().map(Probe::name).toList(), unchanged, changed, removed);
  }

  private static ProbeSuite parse(Path file, byte[] text, Map<String, String> variables)
      throws IOException {
    return ProbeSuite.parse(new ByteArrayInputStream(text), file.toString(), variables);
  }

  private static String digest(byte[] text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * A triage of {@code suite}, replacing the running one: with a book rebuilt from the store when
   * {@code forget} is null, else with the running one's, less what it learned of {@code forget}.
   */
  private Triage replace(ProbeSuite suite, List<String> forget) {
    if (triage != null) {
      triage.close();
    }
    if (forget == null || book == null) {
      book = DurableBook.open(suite, store, engine, sink, clock).book();
    } else {
      book.forget(forget);
    }
    triage =
        new Triage(
                suite,
                book,
                store,
                engine,
                sink,
                health::pollAll,
                changes,
                clock,
                Triage.Options.DEFAULTS)
            .start();
    log.info("triage started with {} probes", suite.probes().size());
    return triage;
  }

  private void stopWatching() {
    if (probesWatch != null) {
      probesWatch.close();
      probesWatch = null;
    }
  }

  @Override
  public void close() {
    synchronized (this) {
      stopWatching();
    }
    if (triage != null) {
      triage.close();
    }
  }
}
