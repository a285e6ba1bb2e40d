package io.sextant.server.ingest;

import com.linecorp.armeria.common.AggregatedHttpRequest;
import com.linecorp.armeria.common.HttpHeaderNames;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.zip.GZIPInputStream;

/** Request bodies: content encoding and the size limit after decompression. */
final class Bodies {
  private Bodies() {}

  /** A request the client must fix; {@code status} is the HTTP status to answer with. */
  static final class BadBody extends Exception {
    final int status;

    BadBody(int status, String message) {
      super(message, null, false, false);
      this.status = status;
    }
  }

  /**
   * The body, gunzipped when {@code Content-Encoding: gzip}, at most {@code maxBytes} after
   * decompression (a small gzip can expand enormously).
   */
  static byte[] read(AggregatedHttpRequest req, int maxBytes) throws BadBody {
    String encoding = req.headers().get(HttpHeaderNames.CONTENT_ENCODING, "identity").trim();
    byte[] raw = req.content().array();
    if (encoding.equalsIgnoreCase("identity") || encoding.isEmpty()) {
      return raw;
    }
    if (!encoding.equalsIgnoreCase("gzip")) {
      throw new BadBody(
          415, "Content-Encoding " + encoding + " is not supported; send gzip or no encoding");
    }
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(raw))) {
      ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(maxBytes, raw.length * 4));
      byte[] buf = new byte[16 * 1024];
      int n;
      while ((n = in.read(buf)) > 0) {
        if (out.size() + n > maxBytes) {
          throw new BadBody(
              413, "request body is larger than " + maxBytes + " bytes after gzip decompression");
        }
        out.write(buf, 0, n);
      }
      return out.toByteArray();
    } catch (IOException e) {
      throw new BadBody(400, "request body is not valid gzip: " + e.getMessage());
    }
  }
}
