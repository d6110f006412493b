package dev.scorestream.registry;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodySubscriber;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * A response body as text, refused once it grows past a cap: a registry (or something posing as
 * one) cannot make the client buffer more than the cap. A declared {@code Content-Length} over the
 * cap is refused before reading; a chunked body is cut off as soon as it crosses the cap.
 */
final class CappedBody implements HttpResponse.BodyHandler<String> {

  /** The body crossed the cap; the connection was abandoned. */
  static final class TooLargeException extends IOException {
    TooLargeException(String message) {
      super(message);
    }
  }

  private final int maxBytes;

  CappedBody(int maxBytes) {
    this.maxBytes = maxBytes;
  }

  @Override
  public BodySubscriber<String> apply(HttpResponse.ResponseInfo info) {
    long declared = info.headers().firstValueAsLong("Content-Length").orElse(-1L);
    return new Subscriber(declared);
  }

  private final class Subscriber implements BodySubscriber<String> {
    private final long declared;
    private final CompletableFuture<String> result = new CompletableFuture<>();
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private Flow.Subscription subscription;

    Subscriber(long declared) {
      this.declared = declared;
    }

    @Override
    public CompletionStage<String> getBody() {
      return result;
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
      this.subscription = subscription;
      if (declared > maxBytes) {
        refuse("declares " + declared + " bytes, more");
      } else {
        subscription.request(Long.MAX_VALUE);
      }
    }

    @Override
    public void onNext(List<ByteBuffer> buffers) {
      if (result.isDone()) {
        return;
      }
      for (ByteBuffer buffer : buffers) {
        if (bytes.size() + (long) buffer.remaining() > maxBytes) {
          refuse("is larger");
          return;
        }
        byte[] chunk = new byte[buffer.remaining()];
        buffer.get(chunk);
        bytes.write(chunk, 0, chunk.length);
      }
    }

    private void refuse(String what) {
      subscription.cancel();
      result.completeExceptionally(
          new TooLargeException(
              "the registry's response " + what + " than the cap of " + maxBytes + " bytes"));
    }

    @Override
    public void onError(Throwable error) {
      result.completeExceptionally(error);
    }

    @Override
    public void onComplete() {
      result.complete(bytes.toString(StandardCharsets.UTF_8));
    }
  }
}
