package io.sextant.server.security;

import io.sextant.model.Tenant;
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
 * A configured token: its name (for logs), its scopes, the SHA-256 of its secret and the tenant
 * whose data it writes and reads. The secret itself is never stored; a presented bearer token is
 * hashed and looked up.
 */
public record ApiToken(String name, Set<Scope> scopes, String sha256, String tenant) {
  /** A key of the default tenant. */
  public ApiToken(String name, Set<Scope> scopes, String sha256) {
    this(name, scopes, sha256, Tenant.DEFAULT);
  }

  public ApiToken {
    tenant = tenant == null ? Tenant.DEFAULT : tenant;
    String problem = Tenant.problem(tenant);
    if (problem != null) {
      throw new IllegalArgumentException("token " + name + ": " + problem);
    }
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

  /**
   * {@code name scope,scope sha256:… [tenant=name]}: a line of a tokens file (the tenant only when
   * it is not the default).
   */
  public String line() {
    return name
        + " "
        + scopes.stream().map(Scope::label).sorted().collect(Collectors.joining(","))
        + " sha256:"
        + sha256
        + (tenant.equals(Tenant.DEFAULT) ? "" : " tenant=" + tenant);
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
