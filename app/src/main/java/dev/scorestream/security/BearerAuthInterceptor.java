package dev.scorestream.security;

import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.util.Optional;

/** Refuses a gRPC call without an accepted bearer token with UNAUTHENTICATED, before it is read. */
public final class BearerAuthInterceptor implements ServerInterceptor {

  static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  private final BearerAuth auth;

  public BearerAuthInterceptor(BearerAuth auth) {
    this.auth = auth;
  }

  @Override
  public <Q, A> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, A> call, Metadata headers, ServerCallHandler<Q, A> next) {
    Optional<String> refusal = auth.refusal(headers.get(AUTHORIZATION));
    if (refusal.isPresent()) {
      call.close(Status.UNAUTHENTICATED.withDescription(refusal.get()), new Metadata());
      return new ServerCall.Listener<>() {};
    }
    return next.startCall(call, headers);
  }
}
