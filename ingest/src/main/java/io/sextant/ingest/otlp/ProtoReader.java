package io.sextant.ingest.otlp;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.StandardCharsets;

/**
 * Protobuf wire reading over one range of a request body: tags, nested messages (by limit, without
 * copying) and strings. Strings are decoded strictly, and invalid UTF-8 is returned as null rather
 * than thrown, because it condemns one item, not the request. Every structural problem (truncation,
 * bad lengths, bad wire types) throws {@link InvalidProtocolBufferException}.
 */
final class ProtoReader {
  private final byte[] buf;
  private final int base;
  private final int length;
  private final CodedInputStream in;
  private final CharsetDecoder utf8;
  private int tag;

  /** A reader over the whole body. */
  ProtoReader(byte[] body) {
    // A fresh newDecoder() reports malformed input; it is per request since decoders hold state.
    this(body, 0, body.length, StandardCharsets.UTF_8.newDecoder());
  }

  private ProtoReader(byte[] buf, int base, int length, CharsetDecoder utf8) {
    this.buf = buf;
    this.base = base;
    this.length = length;
    this.in = CodedInputStream.newInstance(buf, base, length);
    this.utf8 = utf8;
  }

  /** Advances to the next field of the current message; false at its end. */
  boolean next() throws IOException {
    tag = in.readTag();
    return tag != 0;
  }

  /** The current field's tag: {@code fieldNumber << 3 | wireType}. */
  int tag() {
    return tag;
  }

  /** Skips the current field; unknown fields are skipped for forward compatibility. */
  void skipField() throws IOException {
    if (!in.skipField(tag)) {
      // An end-group tag that closes no group: the generated parser rejects this too.
      throw new InvalidProtocolBufferException("end-group tag did not match a start-group tag");
    }
  }

  /** Enters the length-delimited message at the current field; pass the result to {@link #exit}. */
  int enter() throws IOException {
    return in.pushLimit(in.readRawVarint32());
  }

  /** Leaves a message entered with {@link #enter}, skipping whatever the caller did not read. */
  void exit(int oldLimit) throws IOException {
    in.skipRawBytes(in.getBytesUntilLimit());
    in.popLimit(oldLimit);
  }

  /**
   * A reader over the length-delimited field at the current position, which this reader skips. For
   * messages that must be read twice, because a field they depend on may come last.
   */
  ProtoReader split() throws IOException {
    int len = in.readRawVarint32();
    int offset = base + in.getTotalBytesRead();
    in.skipRawBytes(len); // checks len against the enclosing limit before we trust it
    return new ProtoReader(buf, offset, len, utf8);
  }

  /** A second reader over the same range, from its start. */
  ProtoReader again() {
    return new ProtoReader(buf, base, length, utf8);
  }

  /** The string at the current field, or null when it is not valid UTF-8. */
  String string() throws IOException {
    int len = in.readRawVarint32();
    int offset = base + in.getTotalBytesRead();
    in.skipRawBytes(len);
    if (len == 0) {
      return "";
    }
    int end = offset + len;
    for (int i = offset; i < end; i++) {
      if (buf[i] < 0) {
        return decodeStrictly(offset, len);
      }
    }
    // All ASCII, the common case: Latin-1 decodes ASCII as UTF-8 does, by a plain copy.
    return new String(buf, offset, len, StandardCharsets.ISO_8859_1);
  }

  private String decodeStrictly(int offset, int len) {
    try {
      return utf8.decode(ByteBuffer.wrap(buf, offset, len)).toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }

  byte[] bytes() throws IOException {
    return in.readByteArray();
  }

  long fixed64() throws IOException {
    return in.readFixed64();
  }

  int fixed32() throws IOException {
    return in.readFixed32();
  }

  /** An int32, enum or uint32 varint. */
  int int32() throws IOException {
    return in.readInt32();
  }

  long int64() throws IOException {
    return in.readInt64();
  }

  boolean bool() throws IOException {
    return in.readBool();
  }

  double float64() throws IOException {
    return in.readDouble();
  }
}
