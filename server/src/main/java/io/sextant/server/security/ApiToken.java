package io.sextant.server.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A configured token: its name (for logs), its scopes and the SHA-256 of its secret. The secret
 * itself is never stored; a presented bearer token is hashed and looked up.
 */
public record ApiToken(String name, Set<Scope> scopes, String sha256) {
  public ApiToken {
    if (name == null || name.isBlank() || !name.matches("[A-Za-z0-9._@-]+")) {
      throw new IllegalArgumentException(
          "token name \"" + name + "\" must be letters, digits and . _ @ - only");
    }
    if (scopes == null || scopes.isEmpty()) {
      throw new IllegalArgumentException("token " + name + " has no scopes");
    }
    scopes = Set.copyOf(EnumSet.copyOf(scopes));
    String h = sha256 == null ? "" : sha256.strip().toLowerCase(Locale.ROOT);
    if (h.startsWith("sha256:")) {
      h = h.substring(7);
    }
    if (!h.matches("[0-9a-f]{64}")) {
      throw new IllegalArgumentException(
          "token "
              + name
              + ": the hash must be sha256: and 64 hex digits (make one with `sextant keys"
              + " create`), never the secret itself");
    }
    sha256 = h;
  }

  public boolean allows(Scope needed) {
    return scopes.stream().anyMatch(s -> s.covers(needed));
  }

  /** {@code name scope,scope sha256:…}: a line of a tokens file. */
  public String line() {
    return name
        + " "
        + scopes.stream().map(Scope::label).sorted().collect(Collectors.joining(","))
        + " sha256:"
        + sha256;
  }

  /** The SHA-256 of {@code secret}, as 64 lowercase hex digits. */
  public static String hash(String secret) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static final SecureRandom RANDOM = new SecureRandom();

  /** A new secret: {@code sxt_} and 32 random bytes, URL-safe base64. */
  public static String newSecret() {
    byte[] b = new byte[32];
    RANDOM.nextBytes(b);
    return "sxt_" + Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }
}
