package io.mvmci.workflow;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.function.BooleanSupplier;
import org.apache.hc.client5.http.classic.ExecChain;
import org.apache.hc.client5.http.classic.ExecChainHandler;
import org.apache.hc.client5.http.protocol.HttpClientContext;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.HttpException;

/**
 * The last check before an {@code http_request}'s bytes are written: an exec interceptor of the
 * {@link HttpBridge}'s client, placed after its connect step (name resolution, the egress check, TCP
 * and TLS are done) and before the step that sends. It asks the request's gate, a {@link
 * BooleanSupplier} carried in the request's context ({@link #context}); a gate that answers false
 * stops the request there with {@link Closed}, and nothing of it reaches the network. A worker's run
 * passes its lease check ({@link RunServices#leaseHolds}); a run without a worker has no gate.
 *
 * <p>The connection made for a refused request is discarded, not pooled. The client follows no
 * redirects and retries nothing, so the gate is asked once a request; were a hop added, each would pass
 * through here.
 */
final class SendGate implements ExecChainHandler {
  /** The name of the interceptor in the client's chain. */
  static final String NAME = "mvmci-send-gate";
  /** A gate that never refuses: a run without a lease. */
  static final BooleanSupplier OPEN = () -> true;
  private static final String ATTRIBUTE = "io.mvmci.send-gate";

  /** The gate refused: the request was not sent. */
  static final class Closed extends IOException {
    private static final long serialVersionUID = 1L;

    Closed() {
      super("the run's lease was not known to hold when the request was ready to go out; it was not sent");
    }
  }

  /** A request context whose gate is {@code gate}. */
  static HttpClientContext context(BooleanSupplier gate) {
    HttpClientContext context = HttpClientContext.create();
    context.setAttribute(ATTRIBUTE, gate);
    return context;
  }

  @Override
  public ClassicHttpResponse execute(ClassicHttpRequest request, ExecChain.Scope scope, ExecChain chain)
      throws IOException, HttpException {
    if (scope.clientContext.getAttribute(ATTRIBUTE) instanceof BooleanSupplier gate && !gate.getAsBoolean()) {
      throw new Closed();
    }
    // the gate may have waited (a lease renewal): a request given up meanwhile is not sent late
    if (scope.execRuntime.isExecutionAborted() || Thread.currentThread().isInterrupted()) {
      throw new InterruptedIOException("the request was cancelled before it was sent");
    }
    return chain.proceed(request, scope);
  }
}
