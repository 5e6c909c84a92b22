package io.mvmci.replication.tls;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The key manager offers the one derived key for its own algorithm only, as the JDK's do, and hands
 * out nothing under another alias. Handshakes with it on both TLS providers are in
 * {@link RaftTlsHandshakeTest} and {@link RaftTlsClusterTest}.
 */
class IdentityKeyManagerTest {
  private static final ClusterIdentity IDENTITY = ClusterIdentity.derive("key-manager-test-secret-0123");
  private final IdentityKeyManager keys = new IdentityKeyManager(IDENTITY.privateKey(), IDENTITY.certificate());

  @Test
  void theEcKeyIsOfferedForEcKeyTypesOnly() {
    assertThat(keys.chooseServerAlias("EC", null, null)).isEqualTo(IdentityKeyManager.ALIAS);
    assertThat(keys.chooseEngineServerAlias("EC_EC", null, null)).isEqualTo(IdentityKeyManager.ALIAS);
    assertThat(keys.chooseServerAlias("RSA", null, null)).as("BoringSSL's engine asks for RSA first").isNull();
    assertThat(keys.chooseServerAlias(null, null, null)).isNull();
    assertThat(keys.chooseEngineClientAlias(new String[] {"RSA", "EC"}, null, null)).isEqualTo(IdentityKeyManager.ALIAS);
    assertThat(keys.chooseClientAlias(new String[] {"RSA", "DSA"}, null, null)).isNull();
    assertThat(keys.chooseClientAlias(null, null, null)).isNull();
    assertThat(keys.getServerAliases("EC", null)).containsExactly(IdentityKeyManager.ALIAS);
    assertThat(keys.getClientAliases("RSA", null)).isNull();
  }

  @Test
  void theKeyAndCertificateGoOutUnderTheirAliasOnly() {
    assertThat(keys.getPrivateKey(IdentityKeyManager.ALIAS)).isSameAs(IDENTITY.privateKey());
    assertThat(keys.getCertificateChain(IdentityKeyManager.ALIAS)).containsExactly(IDENTITY.certificate());
    assertThat(keys.getPrivateKey("other")).isNull();
    assertThat(keys.getCertificateChain("other")).isNull();
    assertThat(keys.toString()).doesNotContain(IDENTITY.privateKey().toString());
  }
}
