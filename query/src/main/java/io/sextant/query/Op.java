package io.sextant.query;

import java.util.Locale;

/** A filter operator, with the spelling the text syntax and the JSON API use. */
public enum Op {
  EQ("=", Arity.ONE),
  NE("!=", Arity.ONE),
  LT("<", Arity.ONE),
  LE("<=", Arity.ONE),
  GT(">", Arity.ONE),
  GE(">=", Arity.ONE),
  IN("in", Arity.MANY),
  NOT_IN("not-in", Arity.MANY),
  EXISTS("exists", Arity.NONE),
  NOT_EXISTS("does-not-exist", Arity.NONE),
  CONTAINS("contains", Arity.ONE),
  STARTS_WITH("starts-with", Arity.ONE);

  /** How many values the operator takes. */
  public enum Arity {
    NONE,
    ONE,
    MANY
  }

  private final String symbol;
  private final Arity arity;

  Op(String symbol, Arity arity) {
    this.symbol = symbol;
    this.arity = arity;
  }

  public String symbol() {
    return symbol;
  }

  public Arity arity() {
    return arity;
  }

  /** Whether the operator orders values, and so needs a number or a time. */
  public boolean isOrdering() {
    return this == LT || this == LE || this == GT || this == GE;
  }

  /**
   * The operator spelled {@code text}: a symbol ({@code =}, {@code !=}, {@code <}, …) or a name in
   * any case, with a space, dash or underscore between words ({@code not in}, {@code NOT_IN},
   * {@code does-not-exist}, {@code starts-with}).
   */
  public static Op parse(String text) {
    String t = text.trim().toLowerCase(Locale.ROOT).replace('_', '-').replace(' ', '-');
    for (Op op : values()) {
      if (op.symbol.equals(t) || op.name().toLowerCase(Locale.ROOT).replace('_', '-').equals(t)) {
        return op;
      }
    }
    return switch (t) {
      case "==" -> EQ;
      case "<>" -> NE;
      case "not-exists", "!exists" -> NOT_EXISTS;
      default ->
          throw new QueryException(
              "unknown operator '"
                  + text
                  + "'; use =, !=, <, <=, >, >=, in, not-in, exists, does-not-exist, contains or"
                  + " starts-with");
    };
  }
}
