package io.mvmci.workflow;

import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/** Collects a response body up to a limit, then stops reading and marks it truncated. */
final class LimitedBody implements HttpResponse.BodySubscriber<LimitedBody.Body> {
  record Body(byte[] bytes, boolean truncated) {}

  private final int limit;
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final CompletableFuture<Body> result = new CompletableFuture<>();
  private Flow.Subscription subscription;

  LimitedBody(int limit) {
    this.limit = limit;
  }

  @Override
  public void onSubscribe(Flow.Subscription subscription) {
    this.subscription = subscription;
    subscription.request(Long.MAX_VALUE);
  }

  @Override
  public void onNext(List<ByteBuffer> buffers) {
    if (result.isDone()) {
      return;
    }
    for (ByteBuffer b : buffers) {
      int room = limit - bytes.size();
      if (b.remaining() > room) {
        byte[] part = new byte[room];
        b.get(part);
        bytes.writeBytes(part);
        result.complete(new Body(bytes.toByteArray(), true));
        subscription.cancel();
        return;
      }
      byte[] all = new byte[b.remaining()];
      b.get(all);
      bytes.writeBytes(all);
    }
  }

  @Override
  public void onError(Throwable error) {
    result.completeExceptionally(error);
  }

  @Override
  public void onComplete() {
    result.complete(new Body(bytes.toByteArray(), false));
  }

  @Override
  public CompletionStage<Body> getBody() {
    return result;
  }
}
