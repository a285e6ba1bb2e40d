package io.sextant.server.security;

import io.sextant.ingest.redact.Redactor;
import io.sextant.model.Tenant;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.List;

/**
 * Who may do what, and what is kept out of the store (docs/security.md).
 *
 * @param tokens the API tokens; none means authentication is off
 * @param insecureNoAuth run without tokens on a non-loopback address anyway
 * @param allowedHosts extra {@code Host} names the API port answers (beyond loopback names and the
 *     bind address); {@code *} allows any
 * @param corsOrigins origins allowed to send OTLP/HTTP from a browser; {@code *} any; empty: no
 *     CORS
 * @param redactor what is removed from events before they are stored
 * @param keysFile the file {@code tokens} were read from, read again while the server runs so that
 *     revoked keys stop working ({@link Keyring}); null: {@code tokens} are fixed
 * @param tenantLimits each tenant's share of ingest ({@link TenantLimits})
 * @param operationsTenant the tenant whose events probes, triage, SLOs and health checks read and
 *     write (docs/security.md, "Tenants")
 */
public record SecurityConfig(
    Tokens tokens,
    boolean insecureNoAuth,
    List<String> allowedHosts,
    List<String> corsOrigins,
    Redactor redactor,
    Path keysFile,
    TenantLimits tenantLimits,
    String operationsTenant) {
  public static final SecurityConfig DEFAULTS =
      new SecurityConfig(Tokens.NONE, false, List.of(), List.of(), Redactor.defaults());

  public SecurityConfig(
      Tokens tokens,
      boolean insecureNoAuth,
      List<String> allowedHosts,
      List<String> corsOrigins,
      Redactor redactor) {
    this(tokens, insecureNoAuth, allowedHosts, corsOrigins, redactor, null, null, null);
  }

  public SecurityConfig {
    tokens = tokens == null ? Tokens.NONE : tokens;
    allowedHosts =
        allowedHosts == null
            ? List.of()
            : allowedHosts.stream().map(String::strip).filter(s -> !s.isEmpty()).toList();
    corsOrigins =
        corsOrigins == null
            ? List.of()
            : corsOrigins.stream().map(String::strip).filter(s -> !s.isEmpty()).toList();
    redactor = redactor == null ? Redactor.defaults() : redactor;
    tenantLimits = tenantLimits == null ? TenantLimits.NONE : tenantLimits;
    operationsTenant =
        operationsTenant == null ? Tenant.DEFAULT : Tenant.check(operationsTenant.strip());
  }

  /**
   * Refuses to run open to the network: a non-loopback bind needs tokens or an explicit opt-out.
   */
  public SecurityConfig validate(String bindAddress) {
    if (!tokens.enabled() && !insecureNoAuth && !isLoopback(bindAddress)) {
      throw new IllegalArgumentException(
          "--bind "
              + bindAddress
              + " is reachable from other machines but no API tokens are configured: give"
              + " --auth-tokens FILE (docs/security.md), or --insecure-no-auth to run without"
              + " authentication");
    }
    for (String o : corsOrigins) {
      if (!o.equals("*") && !o.matches("https?://[^/\\s]+")) {
        throw new IllegalArgumentException(
            "--cors-origins: \"" + o + "\" is not an origin like https://app.example.com or *");
      }
    }
    return this;
  }

  public SecurityConfig withTokens(Tokens t) {
    return new SecurityConfig(
        t,
        insecureNoAuth,
        allowedHosts,
        corsOrigins,
        redactor,
        null,
        tenantLimits,
        operationsTenant);
  }

  /**
   * The keys of {@code file}, read now and again every second while the server runs (a bad file is
   * refused).
   */
  public SecurityConfig withKeysFile(Path file) throws IOException {
    return new SecurityConfig(
        Tokens.load(file),
        insecureNoAuth,
        allowedHosts,
        corsOrigins,
        redactor,
        file,
        tenantLimits,
        operationsTenant);
  }

  public SecurityConfig withCorsOrigins(List<String> origins) {
    return new SecurityConfig(
        tokens,
        insecureNoAuth,
        allowedHosts,
        origins,
        redactor,
        keysFile,
        tenantLimits,
        operationsTenant);
  }

  public SecurityConfig withAllowedHosts(List<String> hosts) {
    return new SecurityConfig(
        tokens,
        insecureNoAuth,
        hosts,
        corsOrigins,
        redactor,
        keysFile,
        tenantLimits,
        operationsTenant);
  }

  public SecurityConfig withRedactor(Redactor r) {
    return new SecurityConfig(
        tokens,
        insecureNoAuth,
        allowedHosts,
        corsOrigins,
        r,
        keysFile,
        tenantLimits,
        operationsTenant);
  }

  public SecurityConfig withTenants(TenantLimits limits, String operations) {
    return new SecurityConfig(
        tokens, insecureNoAuth, allowedHosts, corsOrigins, redactor, keysFile, limits, operations);
  }

  public SecurityConfig withInsecureNoAuth(boolean insecure) {
    return new SecurityConfig(
        tokens,
        insecure,
        allowedHosts,
        corsOrigins,
        redactor,
        keysFile,
        tenantLimits,
        operationsTenant);
  }

  /**
   * The keys in force: {@link #tokens}, or those of {@link #keysFile} read again while the server
   * runs.
   *
   * @throws IllegalArgumentException with one sentence when the keys file cannot be read
   */
  public Keyring keyring() {
    try {
      return keysFile == null ? Keyring.fixed(tokens) : Keyring.watching(keysFile);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "the keys file " + keysFile + " cannot be read: " + e.getMessage(), e);
    }
  }

  /** Whether {@code address} (an IP literal or a name) is a loopback address. */
  public static boolean isLoopback(String address) {
    String a = address.strip();
    if (a.startsWith("[") && a.endsWith("]")) {
      a = a.substring(1, a.length() - 1);
    }
    if (a.equalsIgnoreCase("localhost")) {
      return true;
    }
    try {
      return InetAddress.getByName(a).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
