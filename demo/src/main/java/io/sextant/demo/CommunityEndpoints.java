package io.sextant.demo;

import static io.sextant.demo.Ids.id;
import static io.sextant.demo.Ids.ids;
import static io.sextant.demo.Ids.parseId;
import static io.sextant.demo.Storefront.COMMENTS_TOPIC;

import com.fasterxml.jackson.databind.JsonNode;
import io.sextant.demo.service.Call;
import io.sextant.demo.service.Handler;
import io.sextant.demo.service.HttpError;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** What shoppers add: comments, votes, photos, their moderation, and the assets behind them. */
final class CommunityEndpoints {
  private CommunityEndpoints() {}

  static Map<String, Map<String, Handler>> byService() {
    return Map.of(
        "comments",
        Map.of(
            "GET /counts", CommunityEndpoints::commentCounts,
            "GET /comments", CommunityEndpoints::comments,
            "POST /comments", CommunityEndpoints::postComment),
        "voting",
        Map.of(
            "GET /votes", CommunityEndpoints::votes,
            "GET /votes/top", CommunityEndpoints::topVoted,
            "POST /votes", CommunityEndpoints::vote),
        "moderation",
        Map.of(
            "POST /reviews", CommunityEndpoints::review,
            "GET /policy", CommunityEndpoints::policy),
        "photos",
        Map.of(
            "GET /covers", CommunityEndpoints::covers,
            "GET /photos", CommunityEndpoints::photos,
            "POST /photos", CommunityEndpoints::uploadPhoto),
        "assets",
        Map.of(
            "GET /thumbnails", CommunityEndpoints::thumbnails,
            "GET /assets/{id}", CommunityEndpoints::asset,
            "POST /assets", CommunityEndpoints::storeAsset));
  }

  // ---- comments ----

  private static Object commentCounts(Call c) throws Exception {
    List<String> ids = ids(c.query("ids", ""));
    Map<String, String> hits =
        ids.isEmpty()
            ? Map.of()
            : c.cache().getMany(ids.stream().map(i -> "comments:count:" + i).toList());
    Map<String, Integer> out = new LinkedHashMap<>();
    for (String i : ids) {
      String v = hits.get("comments:count:" + i);
      out.put(i, v == null ? 0 : Integer.parseInt(v));
    }
    return out;
  }

  private static Object comments(Call c) throws Exception {
    return Map.of(
        "comments",
        c.db()
            .query(
                "SELECT user_id, body FROM comments WHERE product_id = ?"
                    + " ORDER BY created_at DESC LIMIT 10",
                parseId(c.query("product", "1"))));
  }

  private static Object postComment(Call c) throws Exception {
    JsonNode in = c.body();
    String commentId = "c-" + id();
    JsonNode verdict =
        c.post(
            "moderation",
            "/reviews",
            "/reviews",
            Map.of(
                "kind",
                "comment",
                "id",
                commentId,
                "user_id",
                in.path("user_id").asText(),
                "text",
                in.path("body").asText()));
    c.db()
        .update(
            "INSERT INTO comments(id, product_id, user_id, body) VALUES (?, ?, ?, ?)",
            commentId,
            in.path("product_id").asInt(1),
            in.path("user_id").asText(),
            in.path("body").asText());
    c.publisher()
        .publish(
            COMMENTS_TOPIC,
            commentId,
            Map.of(
                "comment_id",
                commentId,
                "product_id",
                in.path("product_id").asInt(1),
                "user_id",
                in.path("user_id").asText()));
    return Map.of("comment_id", commentId, "verdict", verdict.path("verdict").asText());
  }

  // ---- voting ----

  private static Object votes(Call c) throws Exception {
    return c.db()
        .query(
            "SELECT COUNT(*) AS votes, COALESCE(SUM(vote), 0) AS score FROM votes"
                + " WHERE product_id = ?",
            parseId(c.query("product", "1")))
        .get(0);
  }

  private static Object topVoted(Call c) throws Exception {
    String v = c.cache().get("votes:top");
    return Map.of("top", v == null ? List.of() : Arrays.asList(v.split(",")));
  }

  private static Object vote(Call c) throws Exception {
    JsonNode in = c.body();
    JsonNode policy = c.get("moderation", "/policy", "/policy?user=" + in.path("user_id").asText());
    if (!policy.path("may_vote").asBoolean(true)) {
      throw new HttpError(403, "this account may not vote");
    }
    c.db()
        .update(
            "INSERT INTO votes(id, product_id, user_id, vote) VALUES (?, ?, ?, ?)",
            "v-" + id(),
            in.path("product_id").asInt(1),
            in.path("user_id").asText(),
            in.path("value").asInt(1) >= 0 ? 1 : -1);
    return Map.of("voted", in.path("product_id").asInt(1));
  }

  // ---- moderation ----

  private static Object review(Call c) throws Exception {
    JsonNode in = c.body();
    String text = in.path("text").asText("");
    String verdict = text.toLowerCase(Locale.ROOT).contains("spam") ? "rejected" : "approved";
    c.db()
        .update(
            "INSERT INTO reviews(id, subject_kind, subject_id, user_id, verdict)"
                + " VALUES (?, ?, ?, ?, ?)",
            "r-" + id(),
            in.path("kind").asText(),
            in.path("id").asText(),
            in.path("user_id").asText(),
            verdict);
    return Map.of("verdict", verdict);
  }

  private static Object policy(Call c) {
    return Map.of("may_vote", !c.query("user", "").endsWith("13"));
  }

  // ---- photos ----

  private static Object covers(Call c) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String i : ids(c.query("ids", ""))) {
      out.put(i, "https://cdn.storefront.test/covers/" + i + ".jpg");
    }
    return out;
  }

  private static Object photos(Call c) throws Exception {
    var rows =
        c.db()
            .query(
                "SELECT id, asset_id FROM photos WHERE product_id = ? AND status ="
                    + " 'approved' LIMIT 4",
                parseId(c.query("product", "1")));
    String first = rows.isEmpty() ? "asset-1" : (String) rows.get(0).get("asset_id");
    JsonNode asset = c.get("assets", "/assets/{id}", "/assets/" + first);
    return Map.of("photos", rows, "hero", asset);
  }

  private static Object uploadPhoto(Call c) throws Exception {
    JsonNode in = c.body();
    String photoId = "p-" + id();
    JsonNode asset =
        c.post(
            "assets",
            "/assets",
            "/assets",
            Map.of("owner_id", in.path("user_id").asText(), "kind", "photo"));
    JsonNode verdict =
        c.post(
            "moderation",
            "/reviews",
            "/reviews",
            Map.of(
                "kind",
                "photo",
                "id",
                photoId,
                "user_id",
                in.path("user_id").asText(),
                "text",
                ""));
    c.db()
        .update(
            "INSERT INTO photos(id, product_id, user_id, asset_id, status)"
                + " VALUES (?, ?, ?, ?, ?)",
            photoId,
            in.path("product_id").asInt(1),
            in.path("user_id").asText(),
            asset.path("asset_id").asText(),
            verdict.path("verdict").asText());
    return Map.of("photo_id", photoId, "status", verdict.path("verdict").asText());
  }

  // ---- assets ----

  private static Object thumbnails(Call c) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String i : ids(c.query("ids", ""))) {
      out.put(i, "https://cdn.storefront.test/t/" + i + "-240.jpg");
    }
    return out;
  }

  private static Object asset(Call c) throws Exception {
    var rows = c.db().query("SELECT id, url, bytes FROM assets WHERE id = ?", c.path("id"));
    return rows.isEmpty()
        ? Map.of("id", c.path("id"), "url", "https://cdn.storefront.test/default.png")
        : rows.get(0);
  }

  private static Object storeAsset(Call c) throws Exception {
    String assetId = "asset-" + id();
    c.db()
        .update(
            "INSERT INTO assets(id, owner_id, kind, url, bytes) VALUES (?, ?, ?, ?, ?)",
            assetId,
            c.body().path("owner_id").asText(),
            c.body().path("kind").asText("photo"),
            "https://cdn.storefront.test/u/" + assetId + ".jpg",
            180_000);
    return Map.of("asset_id", assetId);
  }
}
