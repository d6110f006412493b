package dev.scorestream.app;

import dev.scorestream.config.ScorerConfig;
import dev.scorestream.http.ScorerHttpServer;
import dev.scorestream.inference.GrpcInferenceServer;
import dev.scorestream.security.BearerAuth;
import dev.scorestream.security.PemTls;
import java.nio.file.Path;
import org.apache.kafka.common.config.ConfigException;

/**
 * What the configuration says about the servers: threads, queues, limits and authentication of the
 * scoring ports (HTTP and gRPC) and the management port. {@link #of} also applies the JVM-wide
 * limits of the JDK HTTP server, which must be set before the first server starts, and reads the
 * token or key file, so a bad one fails at start-up.
 *
 * @param auth the bearer-token check of the scoring ports, or null for none
 * @param tls the scoring ports' TLS material, or null for plaintext
 */
record ServerSettings(ScorerConfig config, BearerAuth auth, PemTls tls) {

  static ServerSettings of(ScorerConfig config) {
    ScorerHttpServer.limitConnections(
        config.getDuration(ScorerConfig.HTTP_REQUEST_TIMEOUT),
        config.getDuration(ScorerConfig.HTTP_IDLE_TIMEOUT),
        config.getInt(ScorerConfig.HTTP_MAX_CONNECTIONS));
    return new ServerSettings(config, BearerAuth.configured(config).orElse(null), tls(config));
  }

  /** The scoring ports' TLS material, read now, or null without {@code tls.cert.file}. */
  private static PemTls tls(ScorerConfig config) {
    String cert = config.getString(ScorerConfig.TLS_CERT_FILE);
    if (cert.isBlank()) {
      return null;
    }
    String key = config.getString(ScorerConfig.TLS_KEY_FILE);
    if (key.isBlank()) {
      throw new ConfigException(ScorerConfig.TLS_KEY_FILE, key, "tls.cert.file needs its key");
    }
    String clientCa = config.getString(ScorerConfig.TLS_CLIENT_CA_FILE);
    try {
      return new PemTls(Path.of(cert), Path.of(key), clientCa.isBlank() ? null : Path.of(clientCa));
    } catch (RuntimeException e) {
      throw new ConfigException(ScorerConfig.TLS_CERT_FILE, cert, e.getMessage());
    }
  }

  /** The management server's: two threads, never a token. */
  ScorerHttpServer.Options management() {
    return ScorerHttpServer.Options.MANAGEMENT;
  }

  ScorerHttpServer.Options scoring() {
    return new ScorerHttpServer.Options(
        "http",
        config.getInt(ScorerConfig.HTTP_THREADS),
        config.getInt(ScorerConfig.HTTP_QUEUE),
        auth,
        tls);
  }

  GrpcInferenceServer.Settings grpc() {
    return new GrpcInferenceServer.Settings(
        config.getString(ScorerConfig.GRPC_HOST),
        config.getInt(ScorerConfig.GRPC_PORT),
        config.getInt(ScorerConfig.GRPC_MAX_MESSAGE_SIZE),
        config.getDuration(ScorerConfig.GRPC_REQUEST_TIMEOUT),
        config.getDuration(ScorerConfig.GRPC_SHUTDOWN_GRACE),
        new GrpcInferenceServer.Limits(
            config.getInt(ScorerConfig.GRPC_THREADS),
            config.getInt(ScorerConfig.GRPC_QUEUE),
            config.getInt(ScorerConfig.GRPC_MAX_CALLS_PER_CONNECTION),
            config.getInt(ScorerConfig.GRPC_MAX_RST_FRAMES),
            config.getDuration(ScorerConfig.GRPC_PERMIT_KEEPALIVE_TIME)),
        auth,
        tls);
  }
}
