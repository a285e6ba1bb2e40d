package io.sextant.triage.probe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.jayway.jsonpath.JsonPath;
import io.sextant.query.DurationText;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The probes of a system, read from YAML (docs/probes.md). {@code ${name}} in any string is
 * replaced by a variable given by the program that loads the file (the demo gives {@code gateway}
 * and {@code tester_token}) or else by the environment variable of that name.
 */
public record ProbeSuite(List<Probe> probes) {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  /** The longest JSONPath an assertion may have. */
  static final int MAX_JSON_PATH = 256;

  private static final Pattern VAR = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}");
  private static final Set<String> OPS = Set.of("exists", "not-empty", "equals");

  public ProbeSuite {
    probes = List.copyOf(probes);
  }

  public static ProbeSuite load(Path file, Map<String, String> variables) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return parse(in, file.toString(), variables);
    }
  }

  public static ProbeSuite parse(InputStream in, String source, Map<String, String> variables)
      throws IOException {
    JsonNode root;
    try {
      root = YAML.readTree(in);
    } catch (IOException e) {
      throw new IllegalArgumentException(source + ": not valid YAML: " + e.getMessage(), e);
    }
    if (root == null || !root.path("probes").isArray() || root.path("probes").isEmpty()) {
      throw new IllegalArgumentException(source + ": expected a list of probes under 'probes:'");
    }
    JsonNode defaults = root.path("defaults");
    List<Probe> out = new ArrayList<>();
    Set<String> names = new HashSet<>();
    int i = 0;
    for (JsonNode p : root.path("probes")) {
      i++;
      String where = source + ": probe " + i;
      try {
        Probe probe = probe(p, defaults, variables);
        if (!names.add(probe.name())) {
          throw new IllegalArgumentException("the name " + probe.name() + " is used twice");
        }
        out.add(probe);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
      }
    }
    return new ProbeSuite(out);
  }

  public Probe get(String name) {
    return probes.stream().filter(p -> p.name().equals(name)).findFirst().orElse(null);
  }

  public List<Probe> suite() {
    return probes.stream().filter(Probe::inSuite).toList();
  }

  private static Probe probe(JsonNode p, JsonNode defaults, Map<String, String> vars) {
    String name = text(p, "name", null, vars);
    if (name == null || !name.matches("[A-Za-z0-9_.-]{1,64}")) {
      throw new IllegalArgumentException(
          "needs a name of letters, digits, '.', '_' or '-' (at most 64)");
    }
    JsonNode req = p.path("request");
    String method = text(req, "method", "GET", vars).toUpperCase(Locale.ROOT);
    if (!Set.of("GET", "POST", "PUT", "DELETE", "HEAD", "PATCH").contains(method)) {
      throw new IllegalArgumentException("unknown HTTP method " + method);
    }
    String url = text(req, "url", null, vars);
    if (url == null) {
      throw new IllegalArgumentException("needs request.url");
    }
    URI uri;
    try {
      uri = URI.create(url);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("request.url is not a URL: " + url);
    }
    if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
      throw new IllegalArgumentException("request.url must be http or https: " + url);
    }
    Map<String, String> headers = new LinkedHashMap<>();
    for (JsonNode h : List.of(defaults.path("headers"), req.path("headers"))) {
      h.fields()
          .forEachRemaining(e -> headers.put(e.getKey(), substitute(e.getValue().asText(), vars)));
    }
    String body = req.hasNonNull("body") ? substitute(bodyText(req.get("body")), vars) : null;
    JsonNode t = p.has("tester") ? p.path("tester") : defaults.path("tester");
    Probe.Tester tester =
        t.isMissingNode() || t.isNull()
            ? null
            : new Probe.Tester(text(t, "user_id", null, vars), text(t, "account_id", null, vars));
    JsonNode expect = p.path("expect");
    int status = expect.path("status").asInt(200);
    long sla =
        expect.has("max_latency_ms")
            ? expect.path("max_latency_ms").asLong()
            : defaults.path("max_latency_ms").asLong(0);
    List<Probe.JsonAssertion> json = new ArrayList<>();
    for (JsonNode a : expect.path("json")) {
      String path = text(a, "path", null, vars);
      String op = text(a, "op", "exists", vars);
      if (path == null) {
        throw new IllegalArgumentException("a json assertion needs a path");
      }
      if (!OPS.contains(op)) {
        throw new IllegalArgumentException(
            "unknown assertion op " + op + " (use exists, not-empty or equals)");
      }
      // JsonPath's compiler recurses once per step: a path of thousands overflowed the stack.
      if (path.length() > MAX_JSON_PATH) {
        throw new IllegalArgumentException(
            "a json assertion's path is longer than " + MAX_JSON_PATH + " characters");
      }
      try {
        JsonPath.compile(path);
      } catch (RuntimeException e) {
        throw new IllegalArgumentException("not a JSONPath: " + path);
      }
      json.add(new Probe.JsonAssertion(path, op, text(a, "value", null, vars)));
    }
    boolean readOnly = p.path("read_only").asBoolean("GET".equals(method));
    boolean bullet = p.path("tracer_bullet").asBoolean(true);
    String every = text(p, "every", text(defaults, "every", "30s", vars), vars);
    Duration timeout =
        duration(text(p, "timeout", text(defaults, "timeout", "3s", vars), vars), "timeout");
    boolean suite = p.path("suite").asBoolean(true);
    return new Probe(
        name,
        method,
        uri,
        headers,
        body,
        tester,
        new Probe.Contract(status, sla, json),
        readOnly,
        bullet,
        "never".equals(every) ? null : duration(every, "every"),
        timeout,
        suite);
  }

  private static String bodyText(JsonNode body) {
    return body.isTextual() ? body.asText() : body.toString();
  }

  private static String text(JsonNode n, String field, String fallback, Map<String, String> vars) {
    JsonNode v = n.path(field);
    return v.isMissingNode() || v.isNull() ? fallback : substitute(v.asText(), vars);
  }

  static String substitute(String s, Map<String, String> vars) {
    Matcher m = VAR.matcher(s);
    StringBuilder b = new StringBuilder();
    while (m.find()) {
      String v = vars.get(m.group(1));
      if (v == null) {
        v = System.getenv(m.group(1));
      }
      if (v == null) {
        throw new IllegalArgumentException("no value for ${" + m.group(1) + "}");
      }
      m.appendReplacement(b, Matcher.quoteReplacement(v));
    }
    m.appendTail(b);
    return b.toString();
  }

  /** {@code 500ms}, {@code 3s}, {@code 2m} ({@link DurationText}); never zero. */
  static Duration duration(String s, String field) {
    Duration d = DurationText.duration(s, field);
    if (d.isZero()) {
      throw new IllegalArgumentException(field + " must be more than 0: " + s);
    }
    return d;
  }
}
