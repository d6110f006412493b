package dev.scorestream.inference;

import dev.scorestream.http.BoundedExecutor;
import dev.scorestream.security.BearerAuth;
import dev.scorestream.security.BearerAuthInterceptor;
import io.grpc.BindableService;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.ArrayList;
import java.util.List;

/**
 * What stands before the gRPC service, in this order: a request too large once decompressed is
 * answered RESOURCE_EXHAUSTED; a call on an overflow thread (every thread busy, the queue full) is
 * refused with RESOURCE_EXHAUSTED; a call without an accepted bearer token (when configured) with
 * UNAUTHENTICATED.
 */
final class GrpcGuards {

  private GrpcGuards() {}

  /** {@code service} behind the guards; {@code auth} null for no authentication. */
  static ServerServiceDefinition guard(BindableService service, BearerAuth auth) {
    // ServerInterceptors runs the last interceptor first
    List<ServerInterceptor> inner = new ArrayList<>();
    if (auth != null) {
      inner.add(new BearerAuthInterceptor(auth));
    }
    inner.add(new RefuseWhenOverloaded());
    // Messages reach the outer guard unparsed, so it sees a parse that fails on the size limit
    return ServerInterceptors.intercept(
        ServerInterceptors.useInputStreamMessages(ServerInterceptors.intercept(service, inner)),
        new OversizedMessageStatus());
  }

  /**
   * Refuses a call that reached an overflow thread of the {@link BoundedExecutor} with
   * RESOURCE_EXHAUSTED, before it is read.
   */
  static final class RefuseWhenOverloaded implements ServerInterceptor {
    @Override
    public <Q, A> ServerCall.Listener<Q> interceptCall(
        ServerCall<Q, A> call, Metadata headers, ServerCallHandler<Q, A> next) {
      if (BoundedExecutor.overloaded()) {
        call.close(
            Status.RESOURCE_EXHAUSTED.withDescription(
                "every thread is busy and the queue is full; retry later"),
            new Metadata());
        return new ServerCall.Listener<>() {};
      }
      return next.startCall(call, headers);
    }
  }

  /**
   * grpc-java stops reading a message that inflates past {@code maxInboundMessageSize}, but the
   * failure surfaces while the message is parsed, which it reports as UNKNOWN; this answers the
   * limit's own RESOURCE_EXHAUSTED instead, and ends the call there.
   */
  static final class OversizedMessageStatus implements ServerInterceptor {
    @Override
    public <Q, A> ServerCall.Listener<Q> interceptCall(
        ServerCall<Q, A> call, Metadata headers, ServerCallHandler<Q, A> next) {
      return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(
          next.startCall(call, headers)) {
        private boolean closed;

        @Override
        public void onMessage(Q message) {
          try {
            super.onMessage(message);
          } catch (StatusRuntimeException e) {
            if (e.getStatus().getCode() != Status.Code.RESOURCE_EXHAUSTED) {
              throw e;
            }
            closed = true;
            call.close(e.getStatus(), new Metadata());
          }
        }

        @Override
        public void onHalfClose() {
          if (!closed) {
            super.onHalfClose();
          }
        }
      };
    }
  }
}
