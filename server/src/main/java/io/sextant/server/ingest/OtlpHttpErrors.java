package io.sextant.server.ingest;

import com.google.rpc.Code;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.ContentTooLargeException;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.RequestHeaders;
import com.linecorp.armeria.server.ServiceErrorHandler;
import com.linecorp.armeria.server.ServiceRequestContext;

/**
 * Errors raised on the OTLP/HTTP port before a request reaches the OTLP service (a body over the
 * limit is refused while it is read) answered as the OTLP spec asks: a {@code google.rpc.Status} in
 * the request's encoding, never plain text.
 */
public final class OtlpHttpErrors implements ServiceErrorHandler {
  private final int maxBytes;

  public OtlpHttpErrors(int maxBytes) {
    this.maxBytes = maxBytes;
  }

  @Override
  public HttpResponse onServiceException(ServiceRequestContext ctx, Throwable cause) {
    for (Throwable t = cause; t != null; t = t.getCause()) {
      if (t instanceof ContentTooLargeException) {
        return tooLarge(json(ctx.request().headers()));
      }
    }
    return null; // the default handling
  }

  @Override
  public AggregatedHttpResponse renderStatus(
      ServiceRequestContext ctx,
      RequestHeaders headers,
      HttpStatus status,
      String description,
      Throwable cause) {
    if (status.code() < 400) {
      return null;
    }
    boolean json = json(headers);
    String message =
        status == HttpStatus.REQUEST_ENTITY_TOO_LARGE
            ? tooLargeMessage()
            : description != null && !description.isBlank() ? description : status.reasonPhrase();
    Code code =
        switch (status.code()) {
          case 413, 429 -> Code.RESOURCE_EXHAUSTED;
          case 401 -> Code.UNAUTHENTICATED;
          case 403 -> Code.PERMISSION_DENIED;
          case 404 -> Code.NOT_FOUND;
          case 503 -> Code.UNAVAILABLE;
          default -> status.code() < 500 ? Code.INVALID_ARGUMENT : Code.INTERNAL;
        };
    return OtlpHttpService.error(json, status, code, message).aggregate().join();
  }

  private HttpResponse tooLarge(boolean json) {
    return OtlpHttpService.error(
        json, HttpStatus.REQUEST_ENTITY_TOO_LARGE, Code.RESOURCE_EXHAUSTED, tooLargeMessage());
  }

  private String tooLargeMessage() {
    return "request body is larger than " + maxBytes + " bytes (--max-body-bytes)";
  }

  private static boolean json(RequestHeaders headers) {
    MediaType type = headers == null ? null : headers.contentType();
    return type != null && type.is(MediaType.JSON);
  }
}
