package io.sextant.server.cli;

import picocli.CommandLine.Option;

/** The {@code --server} option of the commands that talk to a running server. */
final class ServerOption {
  @Option(
      names = "--server",
      defaultValue = "${env:SEXTANT_SERVER:-http://127.0.0.1:7070}",
      description = "The server's API address (env SEXTANT_SERVER). Default: ${DEFAULT-VALUE}")
  String url;
}
