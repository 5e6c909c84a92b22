package io.mvmci.replication.tls;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPrivateKeySpec;
import java.security.spec.ECPublicKeySpec;
import java.time.Instant;
import java.util.Arrays;
import java.util.Date;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.params.HKDFParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.crypto.signers.HMacDSAKCalculator;
import org.bouncycastle.math.ec.FixedPointCombMultiplier;
import org.bouncycastle.operator.ContentSigner;

/**
 * The one TLS identity every member of a cluster shares: an EC P-256 key pair and a self-signed
 * certificate, both derived deterministically from {@code node.secret_raft}.
 *
 * <p>Invariant: the same secret gives the byte-identical key and certificate on every machine,
 * JVM and run; there is no randomness anywhere below (key derivation is Argon2id + HKDF, the
 * certificate's fields are fixed or derived from the key, and its signature is RFC 6979
 * deterministic ECDSA).
 *
 * <p>Changing any constant in this class changes every cluster's certificate: a node built with
 * the change cannot talk to one built without it. Bump {@link #VERSION} when you do.
 *
 * <p>MUST NOT be logged: {@link #toString()} is redacted on purpose, and nothing derived from
 * the secret leaves this class except through {@link #privateKey()} and {@link #certificate()}.
 */
final class ClusterIdentity {
  /** The version of the derivation; part of every label below. */
  static final String VERSION = "mvm-ci raft mTLS v1";

  /** The configuration field the secret comes from, as operators write it. */
  static final String FIELD = "node.secret_raft";

  /** Below this many characters a secret is refused: it would be guessable offline (see below). */
  static final int MIN_SECRET_CHARS = 16;

  // Argon2id, OWASP's minimum recommendation (19 MiB, 2 passes, 1 lane). Any peer that can open a
  // TLS connection to a Raft port receives the certificate, hence the public key, which is a
  // verifier for the secret; a memory-hard stretch makes each offline guess cost 19 MiB and
  // ~0.05-0.1 s (pure Java, measured here).
  private static final int ARGON2_MEMORY_KIB = 19 * 1024;
  private static final int ARGON2_ITERATIONS = 2;
  private static final int ARGON2_LANES = 1;
  private static final byte[] ARGON2_SALT = bytes(VERSION + " / argon2id salt");
  private static final byte[] KEY_INFO = bytes(VERSION + " / ecdsa p-256 private key");

  private static final X9ECParameters P256 = CustomNamedCurves.getByName("P-256");
  private static final ECDomainParameters P256_DOMAIN = new ECDomainParameters(P256);
  private static final X500Name NAME = new X500Name("CN=" + VERSION + ",O=mvm-ci");
  // Trust is the pinned certificate, not its dates; the window is fixed only for determinism.
  private static final Date NOT_BEFORE = Date.from(Instant.parse("2025-01-01T00:00:00Z"));
  private static final Date NOT_AFTER = Date.from(Instant.parse("9999-12-31T23:59:59Z"));

  private final PrivateKey privateKey;
  private final X509Certificate certificate;

  private ClusterIdentity(PrivateKey privateKey, X509Certificate certificate) {
    this.privateKey = privateKey;
    this.certificate = certificate;
  }

  /**
   * Derives the identity. Slow on purpose (19 MiB; ~0.1 s warm, ~1 s on a cold JVM): call it
   * once per process and reuse the result for the Raft server and every Raft client.
   *
   * @throws IllegalArgumentException if the secret is missing or shorter than
   *     {@value #MIN_SECRET_CHARS} characters; the message names {@value #FIELD}, never the value
   */
  static ClusterIdentity derive(String secret) {
    validate(secret);
    byte[] stretched = new byte[32];
    byte[] okm = new byte[48];
    byte[] secretBytes = secret.getBytes(StandardCharsets.UTF_8);
    try {
      Argon2BytesGenerator argon2 = new Argon2BytesGenerator();
      argon2.init(new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
          .withVersion(Argon2Parameters.ARGON2_VERSION_13)
          .withMemoryAsKB(ARGON2_MEMORY_KIB)
          .withIterations(ARGON2_ITERATIONS)
          .withParallelism(ARGON2_LANES)
          .withSalt(ARGON2_SALT)
          .build());
      argon2.generateBytes(secretBytes, stretched);

      HKDFBytesGenerator hkdf = new HKDFBytesGenerator(new SHA256Digest());
      hkdf.init(HKDFParameters.skipExtractParameters(stretched, KEY_INFO));
      hkdf.generateBytes(okm, 0, okm.length);

      // FIPS 186-5 A.2.1: 64 extra bits make the reduction's bias negligible; d is in [1, n-1].
      BigInteger n = P256.getN();
      BigInteger d = new BigInteger(1, okm).mod(n.subtract(BigInteger.ONE)).add(BigInteger.ONE);
      return fromScalar(d);
    } finally {
      Arrays.fill(secretBytes, (byte) 0);
      Arrays.fill(stretched, (byte) 0);
      Arrays.fill(okm, (byte) 0);
    }
  }

  static void validate(String secret) {
    if (secret == null || secret.isBlank()) {
      throw new IllegalArgumentException(FIELD + " is missing: every node of a cluster needs the"
          + " same secret of at least " + MIN_SECRET_CHARS + " characters");
    }
    if (secret.codePointCount(0, secret.length()) < MIN_SECRET_CHARS) {
      throw new IllegalArgumentException(FIELD + " is too short: it must have at least "
          + MIN_SECRET_CHARS + " characters (the value is not shown)");
    }
  }

  private static ClusterIdentity fromScalar(BigInteger d) {
    try {
      org.bouncycastle.math.ec.ECPoint q =
          new FixedPointCombMultiplier().multiply(P256.getG(), d).normalize();
      AlgorithmParameters params = AlgorithmParameters.getInstance("EC");
      params.init(new ECGenParameterSpec("secp256r1"));
      ECParameterSpec spec = params.getParameterSpec(ECParameterSpec.class);
      KeyFactory keys = KeyFactory.getInstance("EC");
      PrivateKey privateKey = keys.generatePrivate(new ECPrivateKeySpec(d, spec));
      PublicKey publicKey = keys.generatePublic(new ECPublicKeySpec(
          new ECPoint(q.getAffineXCoord().toBigInteger(), q.getAffineYCoord().toBigInteger()),
          spec));
      return new ClusterIdentity(privateKey, selfSign(publicKey, d));
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot build the Raft TLS identity from " + FIELD, e);
    }
  }

  private static X509Certificate selfSign(PublicKey publicKey, BigInteger d)
      throws IOException, GeneralSecurityException {
    SubjectPublicKeyInfo spki = SubjectPublicKeyInfo.getInstance(publicKey.getEncoded());
    X509v3CertificateBuilder builder = new X509v3CertificateBuilder(
            NAME, serialOf(spki), NOT_BEFORE, NOT_AFTER, NAME, spki)
        .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
        .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
        .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(new KeyPurposeId[] {
            KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
    byte[] der = builder.build(new DeterministicEcdsaSigner(d)).getEncoded();
    return (X509Certificate) CertificateFactory.getInstance("X.509")
        .generateCertificate(new ByteArrayInputStream(der));
  }

  /** A positive 127-bit serial taken from the key: fixed for a secret, distinct across secrets. */
  private static BigInteger serialOf(SubjectPublicKeyInfo spki) throws IOException {
    byte[] encoded = spki.getEncoded();
    SHA256Digest sha = new SHA256Digest();
    sha.update(encoded, 0, encoded.length);
    byte[] hash = new byte[32];
    sha.doFinal(hash, 0);
    byte[] serial = Arrays.copyOf(hash, 16);
    serial[0] &= 0x7f;
    serial[0] |= 0x40; // never zero, never negative
    return new BigInteger(1, serial);
  }

  PrivateKey privateKey() {
    return privateKey;
  }

  X509Certificate certificate() {
    return certificate;
  }

  @Override
  public String toString() {
    return "ClusterIdentity[" + VERSION + ", derived from " + FIELD + ", redacted]";
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** ECDSA-with-SHA256 with RFC 6979 nonces, so the certificate's signature is reproducible. */
  private static final class DeterministicEcdsaSigner implements ContentSigner {
    private final BigInteger d;
    private final ByteArrayOutputStream tbs = new ByteArrayOutputStream();

    DeterministicEcdsaSigner(BigInteger d) {
      this.d = d;
    }

    @Override
    public AlgorithmIdentifier getAlgorithmIdentifier() {
      return new AlgorithmIdentifier(X9ObjectIdentifiers.ecdsa_with_SHA256);
    }

    @Override
    public OutputStream getOutputStream() {
      return tbs;
    }

    @Override
    public byte[] getSignature() {
      byte[] message = tbs.toByteArray();
      SHA256Digest sha = new SHA256Digest();
      sha.update(message, 0, message.length);
      byte[] hash = new byte[32];
      sha.doFinal(hash, 0);
      ECDSASigner signer = new ECDSASigner(new HMacDSAKCalculator(new SHA256Digest()));
      signer.init(true, new ECPrivateKeyParameters(d, P256_DOMAIN));
      BigInteger[] rs = signer.generateSignature(hash);
      ASN1EncodableVector v = new ASN1EncodableVector();
      v.add(new ASN1Integer(rs[0]));
      v.add(new ASN1Integer(rs[1]));
      try {
        return new DERSequence(v).getEncoded();
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }
  }
}
