package io.sextant.server;

import io.sextant.server.security.ApiToken;
import io.sextant.server.security.Scope;
import java.io.PrintWriter;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code sextant token create NAME --scopes read,ingest}: a new secret, printed once, and the line
 * that goes into the {@code --auth-tokens} file (its hash only). Revoking a token is deleting its
 * line and restarting the server.
 */
@Command(
    name = "token",
    mixinStandardHelpOptions = true,
    description = "Make API tokens for --auth-tokens (docs/security.md).",
    subcommands = {TokenCommand.Create.class})
final class TokenCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(
      name = "create",
      mixinStandardHelpOptions = true,
      description =
          "Print a new token's secret (give it to the client: SEXTANT_TOKEN, or"
              + " OTEL_EXPORTER_OTLP_HEADERS=Authorization=Bearer%20<secret>) and the line for"
              + " the tokens file, which holds only its SHA-256.")
  static final class Create implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", description = "The token's name, e.g. ci-exporter")
    String name;

    @Option(
        names = "--scopes",
        split = ",",
        required = true,
        description = "ingest, read, triage, admin (comma-separated)")
    List<String> scopes;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      Set<Scope> set = EnumSet.noneOf(Scope.class);
      try {
        scopes.forEach(s -> set.add(Scope.parse(s)));
        String secret = ApiToken.newSecret();
        ApiToken token = new ApiToken(name, set, ApiToken.hash(secret));
        out.println("secret (shown once): " + secret);
        out.println("line for the --auth-tokens file:");
        out.println(token.line());
        out.flush();
        return 0;
      } catch (IllegalArgumentException e) {
        err.println("sextant: " + e.getMessage());
        err.flush();
        return 2;
      }
    }
  }
}
