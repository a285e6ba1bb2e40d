package io.sextant.bench.ingest;

/** Random-looking ids that are unique by construction: a bijection of a counter. */
final class Ids {
  private Ids() {}

  /** SplitMix64's finaliser: a bijection on 64-bit values, so distinct inputs stay distinct. */
  static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }

  static String hex16(long v) {
    String s = Long.toHexString(v);
    return "0".repeat(16 - s.length()) + s;
  }

  static String uuid(long hi, long lo) {
    String h = hex16(hi);
    String l = hex16(lo);
    return h.substring(0, 8)
        + "-"
        + h.substring(8, 12)
        + "-"
        + h.substring(12, 16)
        + "-"
        + l.substring(0, 4)
        + "-"
        + l.substring(4);
  }
}
