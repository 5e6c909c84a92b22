package io.mvmci.replication.tls;

import java.net.Socket;
import java.security.MessageDigest;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Trusts exactly one certificate, compared byte for byte, and nothing else: no CA, no chain
 * building, no dates, no host name.
 *
 * <p>Why no host name: gRPC asks every client engine for {@code HTTPS} endpoint identification.
 * Both the JDK engine and Netty's BoringSSL engine hand that check to the trust manager, and a
 * {@link X509ExtendedTrustManager} is trusted to do it itself (the JDK only wraps the plain
 * {@code X509TrustManager}). This one ignores it on purpose: every member presents the same
 * certificate, so a name in it could never match more than one address anyway, and the
 * guarantee we need is "the peer holds the private key derived from the cluster secret", which
 * the TLS handshake's CertificateVerify proves once the certificate matches.
 *
 * <p>Why no dates: the certificate's validity window is a constant chosen for determinism; a
 * node with a wrong clock must not fall out of its cluster.
 */
final class PinnedCertificateTrustManager extends X509ExtendedTrustManager {
  private static final X509Certificate[] NO_ISSUERS = new X509Certificate[0];

  private final byte[] pinned;

  PinnedCertificateTrustManager(X509Certificate pinned) {
    try {
      this.pinned = pinned.getEncoded();
    } catch (CertificateEncodingException e) {
      throw new IllegalArgumentException("cannot encode the pinned certificate", e);
    }
  }

  private void check(X509Certificate[] chain, String peer) throws CertificateException {
    if (chain == null || chain.length == 0) {
      throw new CertificateException("the Raft " + peer + " presented no certificate");
    }
    if (!MessageDigest.isEqual(pinned, chain[0].getEncoded())) {
      throw new CertificateException("the Raft " + peer + " presented a certificate that was not"
          + " derived from this node's " + ClusterIdentity.FIELD
          + ": the two nodes are configured with different secrets");
    }
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    check(chain, "client");
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    check(chain, "server");
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    check(chain, "client");
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    check(chain, "server");
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    check(chain, "client");
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    check(chain, "server");
  }

  /** Empty: a server's CertificateRequest names no authorities, so it discloses nothing. */
  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return NO_ISSUERS;
  }
}
