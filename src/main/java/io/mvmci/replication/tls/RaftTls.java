package io.mvmci.replication.tls;

import io.mvmci.replication.LeaderAppenders;
import java.util.Objects;
import javax.net.ssl.TrustManager;
import org.apache.ratis.RaftConfigKeys;
import org.apache.ratis.conf.Parameters;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.datastream.SupportedDataStreamType;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.grpc.GrpcTlsConfig;
import org.apache.ratis.rpc.RpcType;
import org.apache.ratis.rpc.SupportedRpcType;
import org.apache.ratis.thirdparty.io.netty.handler.ssl.OpenSsl;
import org.apache.ratis.thirdparty.io.netty.handler.ssl.SslProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Mutual TLS for every Ratis gRPC channel of a node, keyed from {@code node.secret_raft}.
 *
 * <p>Use: derive once per process, then configure the server's and every client's
 * {@link Parameters} and {@link RaftProperties} with it:
 * <pre>{@code
 *   RaftTls tls = RaftTls.fromSecret(config.secretRaft());   // validates; ~0.1 s, ~1 s on a cold JVM
 *   RaftServer.newBuilder()...setProperties(props).setParameters(tls.configure(props, new Parameters()))
 *   RaftClient.newBuilder()...setProperties(cprops).setParameters(tls.configure(cprops, new Parameters()))
 * }</pre>
 * A server and a client built without these parameters speak plaintext and are refused by
 * every member; there is no "TLS optional" mode.
 *
 * <p>Thread-safe and immutable. {@link #toString()} reveals nothing derived from the secret.
 */
public final class RaftTls {
  /** The only protocol offered or accepted. */
  public static final String PROTOCOL = "TLSv1.3";

  private static final Logger LOG = LoggerFactory.getLogger(RaftTls.class);

  private final GrpcTlsConfig tlsConfig;
  private final SslProvider provider;

  private RaftTls(GrpcTlsConfig tlsConfig, SslProvider provider) {
    this.tlsConfig = tlsConfig;
    this.provider = provider;
  }

  /**
   * Validates the secret and derives this cluster's key and certificate from it.
   *
   * @throws IllegalArgumentException if the secret is missing or shorter than 16 characters;
   *     the message names {@code node.secret_raft} and never contains the secret
   */
  public static RaftTls fromSecret(String secret) {
    return from(ClusterIdentity.derive(secret), defaultProvider());
  }

  /** One-shot form of {@code fromSecret(secret).configure(properties, parameters)}. */
  public static Parameters configure(RaftProperties properties, Parameters parameters,
      String secret) {
    return fromSecret(secret).configure(properties, parameters);
  }

  /**
   * Puts this TLS configuration on the server-to-server, client and admin channels, both as the
   * listener's and as the dialler's, and checks that nothing in {@code properties} opens a Raft
   * channel TLS cannot cover.
   *
   * @return {@code parameters}, for chaining into {@code setParameters(...)}
   * @throws IllegalStateException if {@code raft.rpc.type} is not GRPC (or the node's own gRPC
   *     transport, {@link LeaderAppenders.Rpc}) or
   *     {@code raft.datastream.type} is not DISABLED: Ratis's Netty transports have no TLS, so
   *     they would carry Raft traffic unauthenticated
   */
  public Parameters configure(RaftProperties properties, Parameters parameters) {
    Objects.requireNonNull(properties, "properties");
    Objects.requireNonNull(parameters, "parameters");
    RpcType rpc = RaftConfigKeys.Rpc.type(properties, s -> { });
    if (!SupportedRpcType.GRPC.name().equals(rpc.name()) && !(rpc instanceof LeaderAppenders.Rpc)) {
      throw new IllegalStateException("Raft mTLS needs the gRPC transport, but "
          + RaftConfigKeys.Rpc.TYPE_KEY + " is " + rpc.name());
    }
    SupportedDataStreamType stream = RaftConfigKeys.DataStream.type(properties, s -> { });
    if (stream != SupportedDataStreamType.DISABLED) {
      throw new IllegalStateException("Raft mTLS cannot cover the data stream, but "
          + RaftConfigKeys.DataStream.TYPE_KEY + " is " + stream);
    }
    // GrpcFactory falls back from Server/Client/Admin to TLS.conf; set all four so that no
    // channel is left to a default.
    GrpcConfigKeys.TLS.setConf(parameters, tlsConfig);
    GrpcConfigKeys.Server.setTlsConf(parameters, tlsConfig);
    GrpcConfigKeys.Client.setTlsConf(parameters, tlsConfig);
    GrpcConfigKeys.Admin.setTlsConf(parameters, tlsConfig);
    return parameters;
  }

  /** The Ratis TLS configuration itself, for callers that assemble {@link Parameters} by hand. */
  public GrpcTlsConfig grpcTlsConfig() {
    return tlsConfig;
  }

  /** The TLS implementation in use: {@code OPENSSL} (BoringSSL from ratis-thirdparty) or JDK. */
  public SslProvider provider() {
    return provider;
  }

  @Override
  public String toString() {
    return "RaftTls[" + PROTOCOL + ", mutual, " + provider + ", pinned certificate derived from "
        + ClusterIdentity.FIELD + "]";
  }

  static RaftTls from(ClusterIdentity identity, SslProvider provider) {
    return with(identity, new PinnedCertificateTrustManager(identity.certificate()), provider);
  }

  /** For tests that need a deliberately broken peer (for example one that trusts anyone). */
  static RaftTls with(ClusterIdentity identity, TrustManager trust, SslProvider provider) {
    GrpcTlsConfig config = GrpcTlsConfig.newBuilder()
        .setName("mvm-ci-raft")
        .setKeyManager(new IdentityKeyManager(identity.privateKey(), identity.certificate()))
        .setTrustManager(trust)
        .setMutualTls(true)
        .setSslProvider(provider)
        .setProtocols(PROTOCOL)
        .build();
    return new RaftTls(config, provider);
  }

  /**
   * BoringSSL when its native library loads (ratis-thirdparty bundles it for linux/osx x86_64 and
   * aarch64, glibc), otherwise the JDK's. Chosen explicitly because Ratis's own server default is
   * OPENSSL unconditionally and would fail to start where the native library cannot load (musl).
   */
  static SslProvider defaultProvider() {
    if (OpenSsl.isAvailable() && SslProvider.isTlsv13Supported(SslProvider.OPENSSL)) {
      return SslProvider.OPENSSL;
    }
    LOG.info("Raft mTLS uses the JDK TLS provider: the bundled BoringSSL is unavailable ({})",
        String.valueOf(OpenSsl.unavailabilityCause()));
    return SslProvider.JDK;
  }
}
