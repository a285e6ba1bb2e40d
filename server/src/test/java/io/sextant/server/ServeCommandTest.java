package io.sextant.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class ServeCommandTest {
  @Test
  void mapOptions_areParsed_andAbsentByDefault() {
    ServeCommand none = new ServeCommand();
    new CommandLine(none).parseArgs();
    assertThat(none.declared).isNull();
    assertThat(none.health == null ? java.util.List.<String>of() : none.health)
        .allMatch(String::isBlank);
    assertThat(none.healthEvery).isEqualTo("15s");

    ServeCommand set = new ServeCommand();
    new CommandLine(set)
        .parseArgs(
            "--declared",
            "deps.yaml",
            "--health",
            "cart=http://127.0.0.1:8081/health,web=http://127.0.0.1:8082/actuator/health",
            "--health-every",
            "5s");
    assertThat(set.declared).isEqualTo(Path.of("deps.yaml"));
    assertThat(set.health)
        .containsExactly(
            "cart=http://127.0.0.1:8081/health", "web=http://127.0.0.1:8082/actuator/health");
  }
}
