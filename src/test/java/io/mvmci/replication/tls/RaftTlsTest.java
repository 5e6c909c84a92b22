package io.mvmci.replication.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.ratis.RaftConfigKeys;
import org.apache.ratis.conf.Parameters;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.datastream.SupportedDataStreamType;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.grpc.GrpcTlsConfig;
import org.apache.ratis.rpc.SupportedRpcType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class RaftTlsTest {
  private static RaftTls tls;

  @BeforeAll
  static void derive() {
    tls = RaftTls.fromSecret("unit-test-secret-0123456789");
  }

  @Test
  void everyRatisGrpcChannelGetsTheSameMutualTls13Configuration() {
    Parameters params = tls.configure(new RaftProperties(), new Parameters());

    GrpcTlsConfig conf = tls.grpcTlsConfig();
    assertThat(GrpcConfigKeys.TLS.conf(params)).isSameAs(conf);
    assertThat(GrpcConfigKeys.Server.tlsConf(params)).isSameAs(conf);
    assertThat(GrpcConfigKeys.Client.tlsConf(params)).isSameAs(conf);
    assertThat(GrpcConfigKeys.Admin.tlsConf(params)).isSameAs(conf);
    assertThat(conf.isMutualTls()).isTrue();
    assertThat(conf.getProtocols()).containsExactly("TLSv1.3");
    assertThat(conf.getTrustManager().getTrustManager())
        .isInstanceOf(PinnedCertificateTrustManager.class);
    // a key manager, not the key: from a key Netty builds a PBKDF2-encrypted key store per context
    assertThat(conf.getKeyManager().getKeyManager()).isInstanceOf(IdentityKeyManager.class);
    assertThat(conf.getSslProvider()).isEqualTo(tls.provider());
  }

  @Test
  void theNettyRaftTransportIsRefusedBecauseItHasNoTls() {
    RaftProperties props = new RaftProperties();
    RaftConfigKeys.Rpc.setType(props, SupportedRpcType.NETTY);

    assertThatThrownBy(() -> tls.configure(props, new Parameters()))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("raft.rpc.type");
  }

  @Test
  void theNettyDataStreamIsRefusedBecauseTlsWouldNotCoverIt() {
    RaftProperties props = new RaftProperties();
    RaftConfigKeys.DataStream.setType(props, SupportedDataStreamType.NETTY);

    assertThatThrownBy(() -> tls.configure(props, new Parameters()))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("raft.datastream.type");
  }

  @Test
  void theOneShotFormValidatesTheSecretToo() {
    assertThatThrownBy(() -> RaftTls.configure(new RaftProperties(), new Parameters(), "short"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("node.secret_raft");
  }
}
