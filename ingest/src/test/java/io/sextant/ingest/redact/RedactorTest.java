package io.sextant.ingest.redact;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sextant.model.Attributes;
import io.sextant.model.Event;
import io.sextant.model.Resource;
import io.sextant.model.SpanEvent;
import io.sextant.model.SpanId;
import io.sextant.model.TraceId;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RedactorTest {
  private final Redactor defaults = Redactor.defaults();

  @Test
  void defaults_maskSensitiveKeys_wholeOrAsSuffix_caseInsensitive() {
    Attributes a =
        defaults.apply(
            Attributes.of(
                "password", "hunter2",
                "http.request.header.authorization", "[\"Bearer abc\"]",
                "HTTP.Response.Header.Set-Cookie", "sid=1",
                "db.Password", "x",
                "client_secret", "s",
                "access_token", "t",
                "x-api-key", "k",
                "apikey", "k",
                "API_KEY", 7,
                "cookie", "c",
                "user_id", "u-1",
                "gen_ai.usage.input_tokens", 12,
                "password_policy", "strict"));
    assertThat(a.asMap())
        .containsEntry("password", Redactor.MASK)
        .containsEntry("http.request.header.authorization", Redactor.MASK)
        .containsEntry("HTTP.Response.Header.Set-Cookie", Redactor.MASK)
        .containsEntry("db.Password", Redactor.MASK)
        .containsEntry("client_secret", Redactor.MASK)
        .containsEntry("access_token", Redactor.MASK)
        .containsEntry("x-api-key", Redactor.MASK)
        .containsEntry("apikey", Redactor.MASK)
        .containsEntry("API_KEY", Redactor.MASK)
        .containsEntry("cookie", Redactor.MASK)
        .containsEntry("user_id", "u-1")
        .containsEntry("gen_ai.usage.input_tokens", 12L)
        .containsEntry("password_policy", "strict");
  }

  @Test
  void defaults_maskSensitiveQueryParameters_inUrlValuedAttributes() {
    Attributes a =
        defaults.apply(
            Attributes.of(
                "url.full", "https://api.example/x?q=1&api_key=abc123&Token=t#frag",
                "http.url", "http://u:pw@h/p?password=p",
                "url.query", "a=1&secret=s",
                "http.target", "/p?access_token=zz&b=2",
                "probe.url", "http://127.0.0.1:1/p?apikey=k",
                "note", "https://h/?api_key=not-a-url-attribute"));
    assertThat(a.asMap())
        .containsEntry(
            "url.full", "https://api.example/x?q=1&api_key=[redacted]&Token=[redacted]#frag")
        .containsEntry("http.url", "http://u:[redacted]@h/p?password=[redacted]")
        .containsEntry("url.query", "a=1&secret=[redacted]")
        .containsEntry("http.target", "/p?access_token=[redacted]&b=2")
        .containsEntry("probe.url", "http://127.0.0.1:1/p?apikey=[redacted]")
        .containsEntry("note", "https://h/?api_key=not-a-url-attribute");
  }

  @Test
  void defaults_maskBearerCredentials_inValuesAndBodies() {
    Event log =
        Event.log()
            .timeUnixNano(1)
            .body("calling with Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.x.y")
            .attributes(Attributes.of("header", "Basic dXNlcjpwYXNzd29yZA=="))
            .build();
    Event r = defaults.apply(log);
    assertThat(r.body()).isEqualTo("calling with Authorization: Bearer [redacted]");
    assertThat(r.attributes().get("header")).isEqualTo("Basic [redacted]");
  }

  @Test
  void anEventWithoutSecrets_isReturnedAsItIs() {
    Event e =
        Event.span(
                TraceId.fromHex("4bf92f3577b34da6a3ce929d0e0e4736"),
                SpanId.fromHex("00f067aa0ba902b7"))
            .timeUnixNano(1)
            .attributes(Attributes.of("http.route", "/x", "url.full", "http://h/p?q=1"))
            .build();
    assertThat(defaults.apply(e)).isSameAs(e);
    assertThat(defaults.apply(List.of(e))).containsExactly(e);
  }

  @Test
  void resource_spanEvents_areRedactedToo() {
    Event e =
        Event.span(
                TraceId.fromHex("4bf92f3577b34da6a3ce929d0e0e4736"),
                SpanId.fromHex("00f067aa0ba902b7"))
            .timeUnixNano(1)
            .resource(new Resource(Attributes.of("service.name", "a", "db.password", "p")))
            .events(List.of(new SpanEvent(2, "login", Attributes.of("password", "p"))))
            .build();
    Event r = defaults.apply(e);
    assertThat(r.resource().attributes().get("db.password")).isEqualTo(Redactor.MASK);
    assertThat(r.serviceName()).isEqualTo("a");
    assertThat(r.events().get(0).attributes().get("password")).isEqualTo(Redactor.MASK);
  }

  @Test
  void configuredRules_comeFirst_andDefaultsCanBeTurnedOff(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("redact.rules");
    Files.writeString(
        file,
        """
        # ours
        drop key (?i)ssn
        hash key user\\.email
        mask value \\b\\d{4}-\\d{4}-\\d{4}-\\d{4}\\b
        hash key password
        """);
    Redactor r = Redactor.load(file, true);
    Attributes a =
        r.apply(
            Attributes.of(
                "SSN",
                "1",
                "user.email",
                "a@b",
                "card",
                "pay 1234-5678-9012-3456 now",
                "password",
                "p",
                "token",
                "t"));
    assertThat(a.asMap()).doesNotContainKey("SSN");
    assertThat((String) a.get("user.email")).startsWith("sha256:").hasSize(23);
    assertThat(a.get("card")).isEqualTo("pay [redacted] now");
    assertThat((String) a.get("password")).startsWith("sha256:");
    assertThat(a.get("token")).isEqualTo(Redactor.MASK);

    Files.writeString(file, "defaults off\ndrop key ssn\n");
    Redactor off = Redactor.load(file, true);
    assertThat(off.apply(Attributes.of("password", "p", "ssn", "1")).asMap())
        .containsEntry("password", "p")
        .doesNotContainKey("ssn");
    assertThat(Redactor.of(List.of(), false).apply(Attributes.of("password", "p")).get("password"))
        .isEqualTo("p");
  }

  @Test
  void badRules_areRefusedWithTheLine(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("r");
    Files.writeString(file, "mask key (unclosed\n");
    assertThatThrownBy(() -> Redactor.load(file, true))
        .hasMessageContaining("line 1")
        .hasMessageContaining("bad regex");
    Files.writeString(file, "erase key x\n");
    assertThatThrownBy(() -> Redactor.load(file, true)).hasMessageContaining("drop, hash or mask");
  }

  @Test
  void url_redactsProbeUrls() {
    assertThat(defaults.url("http://h:1/a?api_key=k&x=1"))
        .isEqualTo("http://h:1/a?api_key=[redacted]&x=1");
    assertThat(defaults.url("http://h:1/a")).isEqualTo("http://h:1/a");
  }
}
