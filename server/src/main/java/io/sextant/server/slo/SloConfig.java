package io.sextant.server.slo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.sextant.query.DurationText;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The SLOs file ({@code --slos slos.yaml}, docs/slo.md): the objectives, where alerts go, and the
 * UI address the alerts link to.
 *
 * @param timeScale how many times faster than real time the windows run: 1 in production; a test or
 *     a demo may shrink "28 days, 1 hour, 5 minutes" by this factor
 */
public record SloConfig(List<Slo> slos, List<Webhook> webhooks, String uiUrl, double timeScale) {

  /** Where alerts are posted, and in which shape. */
  public record Webhook(URI url, Format format) {}

  public enum Format {
    /** Sextant's own JSON object (docs/slo.md). */
    JSON,
    /** An object with {@code text}, as Slack's incoming webhooks (and Mattermost) take. */
    SLACK
  }

  public SloConfig {
    slos = List.copyOf(slos);
    webhooks = List.copyOf(webhooks);
    if (!(timeScale >= 1 && timeScale <= 100_000)) {
      throw new IllegalArgumentException("the SLO time scale must be from 1 to 100000");
    }
    Set<String> names = new HashSet<>();
    for (Slo s : slos) {
      if (!names.add(s.name())) {
        throw new IllegalArgumentException("two SLOs are named " + s.name());
      }
    }
  }

  public SloConfig withWebhooks(List<Webhook> hooks) {
    return new SloConfig(slos, hooks, uiUrl, timeScale);
  }

  public SloConfig withUiUrl(String url) {
    return new SloConfig(slos, webhooks, url, timeScale);
  }

  public SloConfig withTimeScale(double scale) {
    return new SloConfig(slos, webhooks, uiUrl, scale);
  }

  public static SloConfig load(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return parse(in, file.toString());
    }
  }

  /** Reads the YAML; an IllegalArgumentException names the file and what is wrong. */
  public static SloConfig parse(InputStream in, String source) throws IOException {
    JsonNode root = new ObjectMapper(new YAMLFactory()).readTree(in);
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException(source + ": expected a mapping with 'slos'");
    }
    try {
      List<Slo> slos = new ArrayList<>();
      for (JsonNode s : root.path("slos")) {
        slos.add(
            Slo.of(
                text(s, "name", null),
                text(s, "description", ""),
                text(s, "valid", null),
                text(s, "good", null),
                objective(s.path("objective")),
                DurationText.duration(text(s, "window", "28d"), "window")));
      }
      if (slos.isEmpty()) {
        throw new IllegalArgumentException("no SLOs under 'slos'");
      }
      List<Webhook> hooks = new ArrayList<>();
      for (JsonNode h : root.path("notify")) {
        URI url = URI.create(text(h, "url", null));
        if (!"http".equals(url.getScheme()) && !"https".equals(url.getScheme())) {
          throw new IllegalArgumentException("a webhook url must be http or https: " + url);
        }
        String format = text(h, "format", "json").toUpperCase(Locale.ROOT);
        try {
          hooks.add(new Webhook(url, Format.valueOf(format)));
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("webhook format must be json or slack: " + format);
        }
      }
      String ui = text(root, "ui_url", "http://127.0.0.1:7070");
      double scale = root.path("time_scale").asDouble(1);
      return new SloConfig(slos, hooks, ui.replaceAll("/+$", ""), scale);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(source + ": " + e.getMessage(), e);
    }
  }

  private static String text(JsonNode n, String field, String fallback) {
    JsonNode v = n.get(field);
    if (v == null || v.isNull()) {
      if (fallback == null) {
        throw new IllegalArgumentException("'" + field + "' is missing");
      }
      return fallback;
    }
    return v.asText();
  }

  /** {@code 99.5}, {@code 99.5%} or {@code 0.995}. */
  private static double objective(JsonNode n) {
    if (n.isMissingNode()) {
      throw new IllegalArgumentException("'objective' is missing, e.g. objective: 99.5");
    }
    return fraction(n.asText());
  }

  /**
   * An objective as written, a percent ({@code 99.5}, {@code "99.5%"}) or a fraction ({@code
   * 0.995}), as a fraction: {@code 99.9} is exactly {@code 0.999}, not {@code 99.9 / 100}.
   */
  static double fraction(String text) {
    BigDecimal v;
    try {
      v = new BigDecimal(text.trim().replace("%", "").trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("objective is not a number: " + text);
    }
    return (v.compareTo(BigDecimal.ONE) > 0 ? v.movePointLeft(2) : v).doubleValue();
  }
}
