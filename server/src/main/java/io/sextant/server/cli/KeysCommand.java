package io.sextant.server.cli;

import io.sextant.model.Tenant;
import io.sextant.server.security.ApiToken;
import io.sextant.server.security.KeyFile;
import io.sextant.server.security.Scope;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code sextant keys create|list|revoke}: the API keys of a keys file ({@code --auth-tokens}). A
 * new key's secret is printed once; the file holds its SHA-256 only. A running server reads the
 * file again every second, so a revoked key stops working without a restart. {@code sextant token}
 * is the older name of this command.
 */
@Command(
    name = "keys",
    aliases = "token",
    mixinStandardHelpOptions = true,
    description =
        "Create, list and revoke the API keys of the --auth-tokens file (docs/security.md).",
    subcommands = {KeysCommand.Create.class, KeysCommand.ListKeys.class, KeysCommand.Revoke.class})
public final class KeysCommand implements Runnable {
  @Spec CommandSpec spec;

  /** Read by tests: the clock that stamps created and revoked lines. */
  static Clock clock = Clock.systemUTC();

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** The keys file option every subcommand shares. */
  static final class FileOption {
    @Option(
        names = {"--file", "-f"},
        defaultValue = "${env:SEXTANT_AUTH_TOKENS}",
        description =
            "The keys file, as given to `sextant serve --auth-tokens` (env SEXTANT_AUTH_TOKENS)")
    Path file;
  }

  private static int refuse(CommandSpec spec, String message) {
    PrintWriter err = spec.commandLine().getErr();
    err.println("sextant: " + message);
    err.flush();
    return 2;
  }

  @Command(
      name = "create",
      mixinStandardHelpOptions = true,
      description =
          "Make a key: print its secret once (give it to the client: SEXTANT_TOKEN, or"
              + " OTEL_EXPORTER_OTLP_HEADERS=Authorization=Bearer%20<secret>) and add its hash to"
              + " the keys file (made if missing); without a file, print the line to add.")
  static final class Create implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", description = "The key's name, e.g. ci-exporter")
    String name;

    @Option(
        names = "--scopes",
        split = ",",
        required = true,
        description = "ingest, read, triage, admin (comma-separated)")
    List<String> scopes;

    @Option(
        names = "--tenant",
        description =
            "Whose data the key writes and reads (docs/security.md, \"Tenants\"); default:"
                + " ${DEFAULT-VALUE}",
        defaultValue = Tenant.DEFAULT)
    String tenant;

    @picocli.CommandLine.Mixin FileOption file = new FileOption();

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      Set<Scope> set = EnumSet.noneOf(Scope.class);
      try {
        scopes.forEach(s -> set.add(Scope.parse(s)));
        String secret = ApiToken.newSecret();
        ApiToken key = new ApiToken(name, set, ApiToken.hash(secret), tenant);
        if (file.file != null) {
          KeyFile.add(file.file, key, clock.instant());
        }
        out.println("secret (shown once): " + secret);
        if (file.file != null) {
          out.println(
              "key "
                  + name
                  + " added to "
                  + file.file
                  + "; a running server takes it within a second");
        } else {
          out.println("line for the --auth-tokens file:");
          out.println(key.line());
        }
        out.flush();
        return 0;
      } catch (IllegalArgumentException | IOException e) {
        return refuse(spec, e.getMessage());
      }
    }
  }

  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description =
          "List the keys in force: name, scopes, when made, and the start of the hash (never a"
              + " secret: the file holds none).")
  static final class ListKeys implements Callable<Integer> {
    @Spec CommandSpec spec;

    @picocli.CommandLine.Mixin FileOption file = new FileOption();

    @Override
    public Integer call() {
      if (file.file == null) {
        return refuse(spec, "give the keys file: --file FILE or SEXTANT_AUTH_TOKENS");
      }
      PrintWriter out = spec.commandLine().getOut();
      try {
        List<KeyFile.Entry> keys = KeyFile.read(file.file);
        if (keys.isEmpty()) {
          out.println("no keys in " + file.file + " (sextant keys create NAME --scopes …)");
        } else {
          int w = keys.stream().mapToInt(k -> k.key().name().length()).max().orElse(4);
          w = Math.max(w, 4);
          int tw = keys.stream().mapToInt(k -> k.key().tenant().length()).max().orElse(6);
          tw = Math.max(tw, 6);
          String row = "%-" + w + "s  %-" + tw + "s  %-20s  %-20s  %s%n";
          out.printf(row, "NAME", "TENANT", "SCOPES", "CREATED", "SHA256");
          for (KeyFile.Entry k : keys) {
            out.printf(
                row,
                k.key().name(),
                k.key().tenant(),
                k.key().scopes().stream()
                    .map(Scope::label)
                    .sorted()
                    .collect(Collectors.joining(",")),
                k.created() == null ? "-" : k.created().toString(),
                k.key().sha256().substring(0, 12) + "…");
          }
        }
        out.flush();
        return 0;
      } catch (IllegalArgumentException | IOException e) {
        return refuse(spec, e.getMessage());
      }
    }
  }

  @Command(
      name = "revoke",
      mixinStandardHelpOptions = true,
      description =
          "Revoke a key: its line in the keys file becomes a `# revoked` comment; a running"
              + " server refuses it within a second.")
  static final class Revoke implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", description = "The key's name (see `sextant keys list`)")
    String name;

    @picocli.CommandLine.Mixin FileOption file = new FileOption();

    @Override
    public Integer call() {
      if (file.file == null) {
        return refuse(spec, "give the keys file: --file FILE or SEXTANT_AUTH_TOKENS");
      }
      PrintWriter out = spec.commandLine().getOut();
      try {
        KeyFile.revoke(file.file, name, clock.instant());
        out.println(
            "key "
                + name
                + " revoked in "
                + file.file
                + "; a running server refuses it within a second");
        if (KeyFile.read(file.file).isEmpty()) {
          out.println("that was the last key: the server now lets no one in");
        }
        out.flush();
        return 0;
      } catch (IllegalArgumentException | IOException e) {
        return refuse(spec, e.getMessage());
      }
    }
  }
}
