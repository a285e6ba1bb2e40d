package io.sextant.store.clickhouse;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** ClickHouse's RowBinary format: little-endian numbers, length-prefixed strings and arrays. */
final class RowBinary {
  byte[] buf = new byte[1 << 16];
  int size;

  private void ensure(int n) {
    if (size + n > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + n));
    }
  }

  void uint8(int v) {
    ensure(1);
    buf[size++] = (byte) v;
  }

  void int32(int v) {
    ensure(4);
    for (int i = 0; i < 4; i++) {
      buf[size++] = (byte) (v >>> (8 * i));
    }
  }

  void int64(long v) {
    ensure(8);
    for (int i = 0; i < 8; i++) {
      buf[size++] = (byte) (v >>> (8 * i));
    }
  }

  void float64(double v) {
    int64(Double.doubleToRawLongBits(v));
  }

  void varint(long v) {
    ensure(10);
    while ((v & ~0x7FL) != 0) {
      buf[size++] = (byte) ((v & 0x7F) | 0x80);
      v >>>= 7;
    }
    buf[size++] = (byte) v;
  }

  void string(String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    varint(b.length);
    ensure(b.length);
    System.arraycopy(b, 0, buf, size, b.length);
    size += b.length;
  }

  void nullableString(String s) {
    if (s == null) {
      uint8(1);
    } else {
      uint8(0);
      string(s);
    }
  }

  void nullableInt64(Long v) {
    if (v == null) {
      uint8(1);
    } else {
      uint8(0);
      int64(v);
    }
  }

  void nullableInt32(Integer v) {
    if (v == null) {
      uint8(1);
    } else {
      uint8(0);
      int32(v);
    }
  }

  void nullableFloat64(Double v) {
    if (v == null) {
      uint8(1);
    } else {
      uint8(0);
      float64(v);
    }
  }

  /** Appends bytes {@code from} to {@code to} of {@code other}. */
  void copy(RowBinary other, int from, int to) {
    ensure(to - from);
    System.arraycopy(other.buf, from, buf, size, to - from);
    size += to - from;
  }

  void ensureAndCopy(RowBinary other) {
    ensure(other.size);
    System.arraycopy(other.buf, 0, buf, size, other.size);
    size += other.size;
  }

  /** A 64-bit hash of bytes {@code from} to {@code to} (FNV-1a, then a murmur finalizer). */
  long hash(int from, int to) {
    return hash(buf, from, to);
  }

  /** {@link #hash(int, int)} of a string's UTF-8 bytes. */
  static long hash(String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    return hash(b, 0, b.length);
  }

  private static long hash(byte[] bytes, int from, int to) {
    long h = 0xcbf29ce484222325L;
    for (int i = from; i < to; i++) {
      h ^= bytes[i] & 0xFF;
      h *= 0x100000001b3L;
    }
    return mix(h);
  }

  static long mix(long h) {
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    h ^= h >>> 33;
    return h;
  }
}
