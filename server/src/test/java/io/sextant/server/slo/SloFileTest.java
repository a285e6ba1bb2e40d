package io.sextant.server.slo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sextant.query.DurationText;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SloFileTest {
  @TempDir Path dir;

  static final String YAML =
      """
      # the team's SLOs
      ui_url: https://sextant.example.com
      time_scale: 60
      notify:
        - {url: "https://hooks.example.com/x", format: slack}
      slos:
        - name: checkout
          valid: service.name = gateway and http.route = /api/checkout
          good: status != error and duration < 800ms
          objective: 99.5
        - name: browse
          valid: http.route = /api/browse
          good: "status != error"
          objective: 0.99
          window: 7d
      """;

  @Test
  void put_replacesOrAppends_andKeepsTheRestOfTheFile() throws Exception {
    Path file = dir.resolve("slos.yaml");
    Files.writeString(file, YAML);
    SloFile f = new SloFile(file);
    f.put(
        Slo.of(
            "checkout",
            "Customers can pay: \"fast\" # not a comment",
            "service.name = gateway and http.route = /api/checkout",
            "status != error and duration < 1s",
            0.999,
            Duration.ofDays(28)));
    f.put(
        Slo.of(
            "login",
            "",
            "http.route in (/api/login, /api/sso)",
            "status != error",
            0.9,
            Duration.ofHours(36)));

    SloConfig read = SloConfig.load(file);
    assertThat(read.slos()).extracting(Slo::name).containsExactly("checkout", "browse", "login");
    Slo checkout = read.slos().get(0);
    assertThat(checkout.description()).isEqualTo("Customers can pay: \"fast\" # not a comment");
    assertThat(checkout.good()).isEqualTo("status != error and duration < 1s");
    assertThat(checkout.objective())
        .isCloseTo(0.999, org.assertj.core.api.Assertions.within(1e-12));
    assertThat(read.slos().get(1).window()).isEqualTo(Duration.ofDays(7));
    assertThat(read.slos().get(2).valid()).isEqualTo("http.route in (/api/login, /api/sso)");
    assertThat(read.slos().get(2).window()).isEqualTo(Duration.ofHours(36));
    assertThat(read.uiUrl()).isEqualTo("https://sextant.example.com");
    assertThat(read.timeScale()).isEqualTo(60);
    assertThat(read.webhooks()).hasSize(1);
    assertThat(read.webhooks().get(0).format()).isEqualTo(SloConfig.Format.SLACK);
    assertThat(Files.readString(file)).contains("objective: 99.9");
    assertThat(dir.toFile().list()).containsExactly("slos.yaml");
  }

  @Test
  void remove_takesItOut_butNotTheLastOne() throws Exception {
    Path file = dir.resolve("slos.yaml");
    Files.writeString(file, YAML);
    SloFile f = new SloFile(file);
    assertThat(f.remove("browse")).isTrue();
    assertThat(f.remove("browse")).isFalse();
    assertThat(SloConfig.load(file).slos()).extracting(Slo::name).containsExactly("checkout");
    assertThatThrownBy(() -> f.remove("checkout"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no SLOs");
    assertThat(SloConfig.load(file).slos()).hasSize(1);
  }

  @Test
  void percent_andWindow_areWrittenAsPeopleWriteThem() {
    assertThat(SloFile.percent(0.995)).isEqualTo(99.5);
    assertThat(SloFile.percent(0.9999)).isEqualTo(99.99);
    assertThat(DurationText.format(Duration.ofDays(28).toNanos())).isEqualTo("28d");
    assertThat(DurationText.format(Duration.ofHours(36).toNanos())).isEqualTo("36h");
    assertThat(DurationText.format(Duration.ofMinutes(450).toNanos())).isEqualTo("450m");
  }
}
