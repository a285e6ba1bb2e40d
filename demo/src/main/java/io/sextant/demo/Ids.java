package io.sextant.demo;

import com.fasterxml.jackson.databind.JsonNode;
import io.sextant.demo.service.HttpError;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** The ids the storefront's endpoints make, and read from their requests and answers. */
final class Ids {
  private Ids() {}

  static String id() {
    return UUID.randomUUID().toString();
  }

  static List<String> ids(String csv) {
    List<String> out = new ArrayList<>();
    for (String s : csv.split(",")) {
      String t = s.trim();
      if (!t.isEmpty() && t.chars().allMatch(Character::isDigit) && out.size() < 50) {
        out.add(t);
      }
    }
    return out;
  }

  static int parseId(String s) {
    try {
      return Integer.parseInt(s);
    } catch (NumberFormatException e) {
      throw new HttpError(400, "id must be a number: \"" + s + "\"");
    }
  }

  static String idsOf(JsonNode array) {
    List<String> ids = new ArrayList<>();
    for (JsonNode n : array) {
      JsonNode id = n.isObject() ? n.path("id") : n;
      if (id.isMissingNode()) {
        id = n.path("product_id");
      }
      ids.add(id.asText());
    }
    return String.join(",", ids);
  }
}
