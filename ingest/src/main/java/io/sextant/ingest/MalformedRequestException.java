package io.sextant.ingest;

/**
 * The request as a whole cannot be read (truncated protobuf, not JSON, wrong shape); the server
 * answers 400 with {@link #getMessage()}, one sentence. Problems confined to one item do not throw:
 * they are counted in {@link DecodeResult#rejected()}.
 */
public final class MalformedRequestException extends Exception {
  public MalformedRequestException(String oneSentence) {
    // No stack trace: it would point into the decoder, while the fault is in the client's bytes,
    // and a misbehaving client can make us build many of them.
    super(oneSentence, null, false, false);
  }
}
