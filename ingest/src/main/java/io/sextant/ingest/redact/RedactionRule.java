package io.sextant.ingest.redact;

import java.util.Locale;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * One redaction rule: what to do ({@link Action}) with an attribute whose key matches {@code
 * pattern} ({@link Target#KEY}), or with the part of a string value that matches it ({@link
 * Target#VALUE}). Key patterns are matched case-insensitively against the whole key; value patterns
 * are found anywhere in the value.
 */
public record RedactionRule(Action action, Target target, Pattern pattern) {
  /** What a rule does to what it matches. */
  public enum Action {
    /** The attribute is removed. */
    DROP,
    /** The value (or the matched part of it) becomes {@code sha256:} and 16 hex digits. */
    HASH,
    /** The value (or the matched part of it) becomes {@value Redactor#MASK}. */
    MASK
  }

  /** What a rule's pattern is matched against. */
  public enum Target {
    KEY,
    VALUE
  }

  /**
   * A line of a rules file: {@code <drop|hash|mask> <key|value> <regex>}, e.g. {@code mask key
   * (?i).*\.ssn}. The regex is the rest of the line.
   */
  public static RedactionRule parse(String line) {
    String[] parts = line.strip().split("\\s+", 3);
    if (parts.length < 3) {
      throw new IllegalArgumentException(
          "redaction rule \"" + line.strip() + "\" is not like 'mask key (?i).*password'");
    }
    Action action;
    Target target;
    try {
      action = Action.valueOf(parts[0].toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "redaction rule \"" + line.strip() + "\": the action must be drop, hash or mask");
    }
    try {
      target = Target.valueOf(parts[1].toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "redaction rule \"" + line.strip() + "\": say 'key' or 'value' after the action");
    }
    try {
      return new RedactionRule(
          action,
          target,
          target == Target.KEY
              ? Pattern.compile(parts[2], Pattern.CASE_INSENSITIVE)
              : Pattern.compile(parts[2]));
    } catch (PatternSyntaxException e) {
      throw new IllegalArgumentException(
          "redaction rule \"" + line.strip() + "\": bad regex: " + e.getDescription());
    }
  }
}
