package io.sextant.bench.springsys;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** {@code kill -SIG pid…}: SIGSTOP and SIGCONT, which ProcessHandle cannot send. */
final class Signals {
  private Signals() {}

  static void send(String signal, List<Long> pids) {
    if (pids.isEmpty()) {
      return;
    }
    List<String> cmd = new ArrayList<>(List.of("kill", "-" + signal));
    pids.forEach(p -> cmd.add(Long.toString(p)));
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      p.waitFor();
    } catch (IOException e) {
      throw new IllegalStateException("kill -" + signal + " failed: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
