package io.mvmci.replication.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.MessageDigest;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

class ClusterIdentityTest {
  private static final String SECRET = "correct horse battery staple";

  /**
   * Golden value: the SHA-256 of the certificate derived from {@link #SECRET} by derivation v1.
   * If this changes, nodes built before and after the change can no longer talk to each other:
   * bump {@link ClusterIdentity#VERSION} and say so in the changelog, don't just update it.
   */
  private static final String GOLDEN_CERT_SHA256 =
      "c6a1bca9894a09c072c2f9e77022efed4224fce189212ac427517d771c96af44";

  @Test
  void theSameSecretGivesTheByteIdenticalKeyAndCertificate() throws Exception {
    ClusterIdentity a = ClusterIdentity.derive(SECRET);
    ClusterIdentity b = ClusterIdentity.derive(new String(SECRET.toCharArray()));

    assertThat(a.certificate().getEncoded()).isEqualTo(b.certificate().getEncoded());
    assertThat(a.privateKey().getEncoded()).isEqualTo(b.privateKey().getEncoded());
  }

  @Test
  void theDerivationIsStableAcrossVersionsOfTheCode() throws Exception {
    byte[] der = ClusterIdentity.derive(SECRET).certificate().getEncoded();
    String sha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(der));
    assertThat(sha256).isEqualTo(GOLDEN_CERT_SHA256);
  }

  @Test
  void differentSecretsGiveDifferentKeysAndCertificates() throws Exception {
    ClusterIdentity a = ClusterIdentity.derive(SECRET);
    ClusterIdentity b = ClusterIdentity.derive(SECRET + "!");

    assertThat(b.privateKey().getEncoded()).isNotEqualTo(a.privateKey().getEncoded());
    assertThat(b.certificate().getPublicKey().getEncoded())
        .isNotEqualTo(a.certificate().getPublicKey().getEncoded());
    assertThat(b.certificate().getSerialNumber()).isNotEqualTo(a.certificate().getSerialNumber());
  }

  @Test
  void theCertificateIsAWellFormedSelfSignedP256CertificateForTheDerivedKey() throws Exception {
    ClusterIdentity id = ClusterIdentity.derive(SECRET);
    X509Certificate cert = id.certificate();

    cert.verify(cert.getPublicKey());
    assertThat(cert.getSigAlgName()).isEqualTo("SHA256withECDSA");
    assertThat(((ECPublicKey) cert.getPublicKey()).getParams().getCurve().getField().getFieldSize())
        .isEqualTo(256);
    assertThat(cert.getBasicConstraints()).isEqualTo(-1);
    assertThat(cert.getExtendedKeyUsage())
        .containsExactlyInAnyOrder("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2");
    assertThat(cert.getSubjectX500Principal()).isEqualTo(cert.getIssuerX500Principal());

    // The private key is the one the certificate vouches for.
    Signature signer = Signature.getInstance("SHA256withECDSA");
    signer.initSign(id.privateKey());
    signer.update(new byte[] {1, 2, 3});
    byte[] sig = signer.sign();
    Signature verifier = Signature.getInstance("SHA256withECDSA");
    verifier.initVerify(cert.getPublicKey());
    verifier.update(new byte[] {1, 2, 3});
    assertThat(verifier.verify(sig)).isTrue();
  }

  @ParameterizedTest
  @NullSource
  @ValueSource(strings = {"", "   ", "short-secret", "fifteen-chars!!", "ünïcödé-ßecret"})
  void weakSecretsAreRefusedWithAMessageThatNamesTheFieldButNotTheValue(String secret) {
    assertThatThrownBy(() -> ClusterIdentity.derive(secret))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("node.secret_raft")
        .satisfies(e -> {
          if (secret != null && !secret.isBlank()) {
            assertThat(e.getMessage()).doesNotContain(secret);
          }
        });
    if (secret != null) {
      assertThatThrownBy(() -> RaftTls.fromSecret(secret))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("node.secret_raft");
    }
  }

  @Test
  void sixteenCharactersAreEnough() {
    assertThat(ClusterIdentity.derive("0123456789abcdef").certificate()).isNotNull();
  }

  @Test
  void nothingDerivedFromTheSecretShowsInToString() throws Exception {
    ClusterIdentity id = ClusterIdentity.derive(SECRET);
    RaftTls tls = RaftTls.fromSecret(SECRET);
    String hexKey = HexFormat.of().formatHex(id.privateKey().getEncoded());

    for (String s : new String[] {id.toString(), tls.toString(), tls.grpcTlsConfig().toString()}) {
      assertThat(s).doesNotContain(SECRET).doesNotContain(hexKey)
          .doesNotContain(id.certificate().getSerialNumber().toString(16));
    }
  }
}
