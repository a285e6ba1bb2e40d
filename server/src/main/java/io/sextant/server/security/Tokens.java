package io.sextant.server.security;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The configured tokens, looked up by the hash of a presented secret. {@link #NONE} means
 * authentication is off (allowed only on loopback, or with {@code --insecure-no-auth}); a keys file
 * whose every key was revoked is on, and lets no one in.
 */
public final class Tokens {
  public static final Tokens NONE = new Tokens(List.of());

  private final Map<String, ApiToken> byHash = new LinkedHashMap<>();
  private final boolean required;

  /** These tokens; authentication is on when there is at least one. */
  public Tokens(List<ApiToken> tokens) {
    this(tokens, !tokens.isEmpty());
  }

  private Tokens(List<ApiToken> tokens, boolean required) {
    this.required = required;
    for (ApiToken t : tokens) {
      if (byHash.putIfAbsent(t.sha256(), t) != null) {
        throw new IllegalArgumentException(
            "tokens " + byHash.get(t.sha256()).name() + " and " + t.name() + " have one secret");
      }
    }
  }

  /** Whether requests need a token (true for any keys file, even one without keys). */
  public boolean enabled() {
    return required;
  }

  public List<ApiToken> all() {
    return List.copyOf(byHash.values());
  }

  /** This set and {@code more}. */
  public Tokens with(ApiToken more) {
    List<ApiToken> all = new ArrayList<>(byHash.values());
    all.add(more);
    return new Tokens(all, true);
  }

  /** The token whose secret is {@code secret}, if any. */
  public Optional<ApiToken> find(String secret) {
    if (secret == null || secret.isEmpty()) {
      return Optional.empty();
    }
    return Optional.ofNullable(byHash.get(ApiToken.hash(secret)));
  }

  /**
   * The secret of an {@code Authorization: Bearer …} header value (the scheme is case-insensitive),
   * or null when there is none.
   */
  public static String bearer(String authorization) {
    if (authorization == null) {
      return null;
    }
    String a = authorization.strip();
    if (a.length() > 7 && a.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return a.substring(7).strip();
    }
    return null;
  }

  /**
   * Reads a keys file: either lines of {@code name scope,scope sha256:<64 hex> [tenant=<name>]}
   * ({@code #} comments, also after a key), or YAML {@code tokens: [{name, scopes: [..], sha256,
   * tenant}]}; a key without a tenant is the default tenant's. A file without keys (every one
   * revoked) turns authentication on and lets no one in.
   */
  public static Tokens load(Path file) throws IOException {
    return parse(file.toString(), Files.readString(file, StandardCharsets.UTF_8));
  }

  /** {@link #load} of {@code text}, read from {@code source} (named in errors). */
  public static Tokens parse(String source, String text) {
    List<ApiToken> tokens = new ArrayList<>();
    if (text.lines().map(String::strip).anyMatch(l -> l.startsWith("tokens:"))) {
      JsonNode root;
      try {
        root = new ObjectMapper(new YAMLFactory()).readTree(text);
      } catch (IOException e) {
        throw new IllegalArgumentException(source + " is not valid YAML: " + e.getMessage());
      }
      for (JsonNode t : root.path("tokens")) {
        Set<Scope> scopes = EnumSet.noneOf(Scope.class);
        JsonNode s = t.path("scopes");
        if (s.isTextual()) {
          Arrays.stream(s.asText().split(",")).map(Scope::parse).forEach(scopes::add);
        } else {
          s.forEach(x -> scopes.add(Scope.parse(x.asText())));
        }
        tokens.add(
            new ApiToken(
                t.path("name").asText(null),
                scopes,
                t.path("sha256").asText(),
                t.path("tenant").asText(null)));
      }
    } else {
      int n = 0;
      for (String raw : text.lines().toList()) {
        n++;
        String line = KeyFile.withoutComment(raw).strip();
        if (line.isEmpty()) {
          continue;
        }
        String[] parts = line.split("\\s+");
        try {
          boolean tenant = parts.length == 4 && parts[3].startsWith("tenant=");
          if (parts.length != 3 && !tenant) {
            throw new IllegalArgumentException(
                "a line is `name scope,scope sha256:<hash> [tenant=<name>]` (make one with"
                    + " `sextant keys create`)");
          }
          Set<Scope> scopes = EnumSet.noneOf(Scope.class);
          Arrays.stream(parts[1].split(",")).map(Scope::parse).forEach(scopes::add);
          tokens.add(
              new ApiToken(parts[0], scopes, parts[2], tenant ? parts[3].substring(7) : null));
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(source + " line " + n + ": " + e.getMessage());
        }
      }
    }
    return new Tokens(tokens, true);
  }
}
