package io.sextant.demo;

import com.fasterxml.jackson.databind.JsonNode;
import io.sextant.demo.service.Call;
import io.sextant.demo.service.Handler;
import io.sextant.demo.service.HttpError;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** Identity: logins, signed session tokens, and the users behind them. */
final class IdentityEndpoints {
  private IdentityEndpoints() {}

  static Map<String, Map<String, Handler>> byService() {
    return Map.of(
        "identity",
        Map.of(
            "POST /sessions", IdentityEndpoints::login,
            "GET /sessions/{token}", IdentityEndpoints::session,
            "GET /users/{id}", IdentityEndpoints::user));
  }

  private static final byte[] TOKEN_KEY =
      "storefront-demo-signing-key".getBytes(StandardCharsets.UTF_8);

  /** The session token of a user: {@code s.<user>.<account>.<signature>}. */
  static String sign(String user, String account) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(TOKEN_KEY, "HmacSHA256"));
      byte[] sig = mac.doFinal((user + "|" + account).getBytes(StandardCharsets.UTF_8));
      return "s."
          + user
          + "."
          + account
          + "."
          + Base64.getUrlEncoder().withoutPadding().encodeToString(sig).substring(0, 16);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Object login(Call c) throws Exception {
    String user = c.body().path("user_id").asText();
    var rows = c.db().query("SELECT id, account_id, name FROM users WHERE id = ?", user);
    if (rows.isEmpty()) {
      throw new HttpError(404, "no user " + user);
    }
    String account = (String) rows.get(0).get("account_id");
    String token = sign(user, account);
    c.db().update("MERGE INTO sessions(token, user_id) KEY(token) VALUES (?, ?)", token, user);
    JsonNode avatar = c.get("assets", "/assets/{id}", "/assets/avatar-" + user);
    c.log().info("user logged in", "session.user_id", user);
    return Map.of(
        "token",
        token,
        "user_id",
        user,
        "account_id",
        account,
        "avatar",
        avatar.path("url").asText());
  }

  private static Object session(Call c) throws Exception {
    String token = c.path("token");
    String[] parts = token.split("\\.");
    if (parts.length != 4 || !sign(parts[1], parts[2]).equals(token)) {
      throw new HttpError(401, "session token is not valid");
    }
    if (c.cache().get("revoked:" + parts[3]) != null) {
      throw new HttpError(401, "session was revoked");
    }
    return Map.of("user_id", parts[1], "account_id", parts[2]);
  }

  private static Object user(Call c) throws Exception {
    var rows =
        c.db().query("SELECT id, account_id, name, address FROM users WHERE id = ?", c.path("id"));
    if (rows.isEmpty()) {
      throw new HttpError(404, "no user " + c.path("id"));
    }
    return rows.get(0);
  }
}
