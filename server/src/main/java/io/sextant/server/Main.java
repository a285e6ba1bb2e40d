package io.sextant.server;

import io.sextant.server.cli.ExportCommand;
import io.sextant.server.cli.KeysCommand;
import io.sextant.server.cli.MapCommand;
import io.sextant.server.cli.ProbeCommand;
import io.sextant.server.cli.QueryCommand;
import io.sextant.server.cli.ServeCommand;
import io.sextant.server.cli.TriageCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code sextant}: the command-line entry point. */
@Command(
    name = "sextant",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "Observability and triage for distributed systems.",
    subcommands = {
      ServeCommand.class,
      QueryCommand.class,
      MapCommand.class,
      TriageCommand.class,
      ProbeCommand.class,
      KeysCommand.class,
      ExportCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Main implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    int code = new CommandLine(new Main()).setCaseInsensitiveEnumValuesAllowed(true).execute(args);
    if (code != 0) {
      System.exit(code);
    }
  }

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Main.class.getPackage().getImplementationVersion();
      return new String[] {"sextant " + (v == null ? "dev" : v)};
    }
  }
}
