package io.sextant.server.ingest;

import com.linecorp.armeria.common.ContentTooLargeException;
import com.linecorp.armeria.common.RequestContext;
import com.linecorp.armeria.common.grpc.GrpcExceptionHandlerFunction;
import io.grpc.Metadata;
import io.grpc.Status;
import java.util.Locale;

/**
 * Failures of the gRPC transport (a message over the limit, a compression that does not decode) as
 * a status a client can act on, always with a message: gRPC's own mapping answers UNKNOWN without
 * one.
 */
public final class GrpcErrors implements GrpcExceptionHandlerFunction {
  private final int maxBytes;

  public GrpcErrors(int maxBytes) {
    this.maxBytes = maxBytes;
  }

  @Override
  public Status apply(RequestContext ctx, Status status, Throwable cause, Metadata metadata) {
    String text = chain(cause);
    if (cause instanceof ContentTooLargeException
        || status.getCode() == Status.Code.RESOURCE_EXHAUSTED
        || text.contains("exceeds maximum")) {
      return Status.RESOURCE_EXHAUSTED.withDescription(
          "the request message is larger than " + maxBytes + " bytes (--max-body-bytes)");
    }
    if (text.toLowerCase(Locale.ROOT).contains("compress")
        || text.contains("ZipException")
        || text.contains("Not in GZIP format")) {
      return Status.INVALID_ARGUMENT.withDescription(
          "the request message could not be decompressed: " + text);
    }
    if (status.getDescription() == null || status.getDescription().isBlank()) {
      return status.withDescription(text.isEmpty() ? status.getCode().name() : text);
    }
    return status;
  }

  private static String chain(Throwable t) {
    StringBuilder b = new StringBuilder();
    for (int depth = 0; t != null && depth < 5; depth++, t = t.getCause()) {
      if (!b.isEmpty()) {
        b.append(": ");
      }
      b.append(t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage());
    }
    return b.toString();
  }
}
