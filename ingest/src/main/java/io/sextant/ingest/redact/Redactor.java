package io.sextant.ingest.redact;

import io.sextant.ingest.redact.RedactionRule.Action;
import io.sextant.ingest.redact.RedactionRule.Target;
import io.sextant.model.Attributes;
import io.sextant.model.Event;
import io.sextant.model.Resource;
import io.sextant.model.SpanEvent;
import io.sextant.model.SpanLink;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Removes secrets from events before they are stored (docs/security.md). Rules are tried in order,
 * the configured ones before the defaults; the first whose key pattern matches an attribute's key
 * decides what happens to it. Value rules then apply to the remaining string values and to log
 * bodies. Inside URL-valued attributes ({@code url.full}, {@code http.url}, {@code url.query},
 * {@code http.target}, any key ending in {@code .url}) the query parameters are judged by the same
 * key rules, and a password in the URL's user info is masked.
 *
 * <p>The defaults mask attributes named (or ending in {@code .}, {@code _}, {@code -} and) {@code
 * password}, {@code passwd}, {@code secret}, {@code token}, {@code authorization}, {@code api_key},
 * {@code apikey}, {@code cookie} or {@code set-cookie}, case-insensitively, the same names as URL
 * query parameters, and the credential after {@code Bearer} or {@code Basic} in any value.
 */
public final class Redactor {
  public static final String MASK = "[redacted]";

  /** The default sensitive names, as whole keys or as the last part of a key. */
  public static final Pattern DEFAULT_KEYS =
      Pattern.compile(
          "(?:.*[._\\-\\s])?(?:password|passwd|secret|token|authorization|api[_-]?key|apikey"
              + "|cookie|set-cookie)",
          Pattern.CASE_INSENSITIVE);

  /** A credential after an HTTP auth scheme, anywhere in a value. */
  public static final Pattern DEFAULT_VALUES =
      Pattern.compile("(?i)(?<=bearer |basic )[A-Za-z0-9._~+/=\\-]{8,}");

  public static final List<RedactionRule> DEFAULT_RULES =
      List.of(
          new RedactionRule(Action.MASK, Target.KEY, DEFAULT_KEYS),
          new RedactionRule(Action.MASK, Target.VALUE, DEFAULT_VALUES));

  private static final Set<String> URL_KEYS =
      Set.of("url.full", "http.url", "url.query", "http.target", "url.original", "url.path");
  private static final Pattern USER_INFO =
      Pattern.compile("^([a-zA-Z][a-zA-Z0-9+.\\-]*://[^/?#@:]*):([^/?#@]*)@");

  private static final Redactor NONE = new Redactor(List.of());

  private final List<RedactionRule> keyRules;
  private final List<RedactionRule> valueRules;
  private final List<RedactionRule> rules;
  private final Map<String, Optional<Action>> keyDecisions = new ConcurrentHashMap<>();
  private final LongAdder redacted = new LongAdder();

  private Redactor(List<RedactionRule> rules) {
    this.rules = List.copyOf(rules);
    this.keyRules = this.rules.stream().filter(r -> r.target() == Target.KEY).toList();
    this.valueRules = this.rules.stream().filter(r -> r.target() == Target.VALUE).toList();
  }

  /** The default rules only. */
  public static Redactor defaults() {
    return new Redactor(DEFAULT_RULES);
  }

  /** Nothing is redacted. */
  public static Redactor none() {
    return NONE;
  }

  /** {@code rules} first, then the defaults when {@code withDefaults}. */
  public static Redactor of(List<RedactionRule> rules, boolean withDefaults) {
    List<RedactionRule> all = new ArrayList<>(rules);
    if (withDefaults) {
      all.addAll(DEFAULT_RULES);
    }
    return all.isEmpty() ? NONE : new Redactor(all);
  }

  /**
   * The rules of {@code file}: one rule a line ({@link RedactionRule#parse}), {@code #} comments,
   * and {@code defaults off} to leave the default rules out; {@code withDefaults} false leaves them
   * out too.
   */
  public static Redactor load(Path file, boolean withDefaults) throws IOException {
    List<RedactionRule> rules = new ArrayList<>();
    boolean defaults = withDefaults;
    int n = 0;
    for (String raw : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      n++;
      String line = raw.strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      if (line.equalsIgnoreCase("defaults off")) {
        defaults = false;
        continue;
      }
      if (line.equalsIgnoreCase("defaults on")) {
        continue;
      }
      try {
        rules.add(RedactionRule.parse(line));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(file + " line " + n + ": " + e.getMessage());
      }
    }
    return of(rules, defaults);
  }

  public List<RedactionRule> rules() {
    return rules;
  }

  /** How many values were dropped, hashed or masked since start. */
  public long redactedCount() {
    return redacted.sum();
  }

  public List<Event> apply(List<Event> events) {
    if (rules.isEmpty()) {
      return events;
    }
    List<Event> out = null;
    for (int i = 0; i < events.size(); i++) {
      Event e = events.get(i);
      Event r = apply(e);
      if (r != e && out == null) {
        out = new ArrayList<>(events.subList(0, i));
      }
      if (out != null) {
        out.add(r);
      }
    }
    return out == null ? events : out;
  }

  /** {@code e} with its secrets removed; {@code e} itself when it has none. */
  public Event apply(Event e) {
    if (rules.isEmpty()) {
      return e;
    }
    Attributes attributes = apply(e.attributes());
    Attributes resource = apply(e.resource().attributes());
    String body = e.body() == null ? null : value(e.body());
    List<SpanEvent> spanEvents = e.events();
    for (int i = 0; i < spanEvents.size(); i++) {
      SpanEvent se = spanEvents.get(i);
      Attributes a = apply(se.attributes());
      if (a != se.attributes()) {
        if (spanEvents == e.events()) {
          spanEvents = new ArrayList<>(spanEvents);
        }
        spanEvents.set(i, new SpanEvent(se.timeUnixNano(), se.name(), a));
      }
    }
    List<SpanLink> links = e.links();
    for (int i = 0; i < links.size(); i++) {
      SpanLink l = links.get(i);
      Attributes a = apply(l.attributes());
      if (a != l.attributes()) {
        if (links == e.links()) {
          links = new ArrayList<>(links);
        }
        links.set(i, new SpanLink(l.traceId(), l.spanId(), l.traceState(), a));
      }
    }
    if (attributes == e.attributes()
        && resource == e.resource().attributes()
        && body == e.body()
        && spanEvents == e.events()
        && links == e.links()) {
      return e;
    }
    return e.toBuilder()
        .attributes(attributes)
        .resource(resource == e.resource().attributes() ? e.resource() : new Resource(resource))
        .body(body)
        .events(spanEvents)
        .links(links)
        .build();
  }

  /** {@code a} with its secrets removed; {@code a} itself when it has none. */
  public Attributes apply(Attributes a) {
    if (rules.isEmpty() || a.isEmpty()) {
      return a;
    }
    Map<String, Object> out = null;
    for (Map.Entry<String, Object> entry : a.asMap().entrySet()) {
      String key = entry.getKey();
      Object v = entry.getValue();
      Object r = attribute(key, v);
      if (r != v && out == null) {
        out = new LinkedHashMap<>();
        for (Map.Entry<String, Object> before : a.asMap().entrySet()) {
          if (before.getKey().equals(key)) {
            break;
          }
          out.put(before.getKey(), before.getValue());
        }
      }
      if (out != null && r != null) {
        out.put(key, r);
      }
    }
    return out == null ? a : Attributes.of(out);
  }

  /** The value to store for {@code key}: {@code v} unchanged, a replacement, or null to drop it. */
  private Object attribute(String key, Object v) {
    Optional<Action> action = keyAction(key);
    if (action.isPresent()) {
      redacted.increment();
      return switch (action.get()) {
        case DROP -> null;
        case MASK -> MASK;
        case HASH -> hash(String.valueOf(v));
      };
    }
    if (!(v instanceof String s)) {
      return v;
    }
    String r = isUrlKey(key) ? url(s, key.equals("url.query")) : s;
    r = value(r);
    return r.equals(s) ? v : r;
  }

  private Optional<Action> keyAction(String key) {
    Optional<Action> known = keyDecisions.get(key);
    if (known != null) {
      return known;
    }
    Optional<Action> decided = Optional.empty();
    for (RedactionRule r : keyRules) {
      if (r.pattern().matcher(key).matches()) {
        decided = Optional.of(r.action());
        break;
      }
    }
    if (keyDecisions.size() > 100_000) {
      keyDecisions.clear();
    }
    keyDecisions.put(key, decided);
    return decided;
  }

  private static boolean isUrlKey(String key) {
    return URL_KEYS.contains(key) || key.endsWith(".url");
  }

  /** {@code s} after the value rules; a drop rule that matches empties it to the mask. */
  private String value(String s) {
    String out = s;
    for (RedactionRule r : valueRules) {
      if (r.pattern() == DEFAULT_VALUES && !mayHaveCredential(out)) {
        continue;
      }
      Matcher m = r.pattern().matcher(out);
      if (!m.find()) {
        continue;
      }
      redacted.increment();
      out =
          switch (r.action()) {
            case DROP -> MASK;
            case MASK -> m.replaceAll(MASK);
            case HASH -> m.replaceAll(match -> Matcher.quoteReplacement(hash(match.group())));
          };
    }
    return out.equals(s) ? s : out;
  }

  private static boolean mayHaveCredential(String s) {
    return s.length() > 12
        && (s.regionMatches(true, 0, "bearer", 0, 6)
            || s.regionMatches(true, 0, "basic", 0, 5)
            || s.contains("earer ")
            || s.contains("asic ")
            || s.contains("EARER ")
            || s.contains("ASIC "));
  }

  /**
   * {@code url} with the values of sensitive query parameters (as the key rules judge their names)
   * replaced and a password in its user info masked.
   */
  public String url(String url) {
    return rules.isEmpty() ? url : url(url, false);
  }

  private String url(String url, boolean queryOnly) {
    String prefix;
    String query;
    String fragment = "";
    if (queryOnly) {
      prefix = "";
      query = url;
    } else {
      int q = url.indexOf('?');
      if (q < 0) {
        return userInfo(url);
      }
      prefix = userInfo(url.substring(0, q + 1));
      query = url.substring(q + 1);
    }
    int hashAt = query.indexOf('#');
    if (hashAt >= 0) {
      fragment = query.substring(hashAt);
      query = query.substring(0, hashAt);
    }
    StringBuilder out = new StringBuilder(url.length());
    boolean changed = false;
    for (String param : query.split("&", -1)) {
      int eq = param.indexOf('=');
      String name = eq < 0 ? param : param.substring(0, eq);
      Optional<Action> action = name.isEmpty() ? Optional.empty() : keyAction(decode(name));
      String kept = param;
      if (action.isPresent() && eq >= 0) {
        changed = true;
        redacted.increment();
        kept =
            switch (action.get()) {
              case DROP -> null;
              case MASK -> name + "=" + MASK;
              case HASH -> name + "=" + hash(param.substring(eq + 1));
            };
      }
      if (kept != null) {
        if (!out.isEmpty()) {
          out.append('&');
        }
        out.append(kept);
      }
    }
    if (!changed) {
      return prefix + query + fragment;
    }
    return prefix + out + fragment;
  }

  private String userInfo(String url) {
    Matcher m = USER_INFO.matcher(url);
    if (!m.find() || m.group(2).isEmpty() || keyRules.isEmpty()) {
      return url;
    }
    if (keyAction("password").isEmpty()) {
      return url;
    }
    redacted.increment();
    return m.group(1) + ":" + MASK + "@" + url.substring(m.end());
  }

  private static String decode(String name) {
    try {
      return URLDecoder.decode(name, StandardCharsets.UTF_8).toLowerCase(Locale.ROOT);
    } catch (IllegalArgumentException e) {
      return name.toLowerCase(Locale.ROOT);
    }
  }

  static String hash(String value) {
    try {
      byte[] d =
          MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
      return "sha256:" + HexFormat.of().formatHex(d, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
