package io.mvmci.replication.tls;

import java.net.Socket;
import java.security.MessageDigest;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trusts exactly one certificate, compared byte for byte, and nothing else: no CA, no chain
 * building, no dates, no host name.
 *
 * <p>Why no host name: gRPC asks every client engine for {@code HTTPS} endpoint identification.
 * Both the JDK engine and Netty's BoringSSL engine hand that check to the trust manager, and a
 * {@link X509ExtendedTrustManager} is trusted to do it itself (the JDK only wraps the plain
 * {@code X509TrustManager}). This one ignores it on purpose: a certificate derived from the
 * secret alone cannot know the addresses nodes run on (loopback, containers, NAT), and the
 * guarantee we need, "the peer holds the private key derived from the cluster secret", is what
 * the handshake's CertificateVerify proves once the certificate matches, whatever the address.
 *
 * <p>Why no dates: the certificate's validity window is a constant chosen for determinism; a
 * node with a wrong clock must not fall out of its cluster.
 *
 * <p>A refusal is logged at WARN (at most once per {@value #LOG_EVERY_SECONDS} s, the rest at
 * DEBUG): without it an operator sees only "UNAVAILABLE: io exception" from Ratis. The log names
 * the peer when the engine knows it (client side) and never shows a certificate or key.
 */
final class PinnedCertificateTrustManager extends X509ExtendedTrustManager {
  private static final Logger LOG = LoggerFactory.getLogger(PinnedCertificateTrustManager.class);
  private static final X509Certificate[] NO_ISSUERS = new X509Certificate[0];
  private static final long LOG_EVERY_SECONDS = 30;

  private final AtomicLong lastWarning = new AtomicLong(System.nanoTime()
      - TimeUnit.SECONDS.toNanos(LOG_EVERY_SECONDS));

  private final byte[] pinned;

  PinnedCertificateTrustManager(X509Certificate pinned) {
    try {
      this.pinned = pinned.getEncoded();
    } catch (CertificateEncodingException e) {
      throw new IllegalArgumentException("cannot encode the pinned certificate", e);
    }
  }

  private void check(X509Certificate[] chain, String role, String address)
      throws CertificateException {
    String peer = "the Raft " + role + (address == null ? "" : " at " + address);
    if (chain == null || chain.length == 0) {
      throw refuse(peer + " presented no certificate");
    }
    if (!MessageDigest.isEqual(pinned, chain[0].getEncoded())) {
      throw refuse(peer + " presented a certificate that was not derived from this node's "
          + ClusterIdentity.FIELD + ": the two nodes are configured with different secrets");
    }
  }

  private CertificateException refuse(String why) {
    long now = System.nanoTime();
    long last = lastWarning.get();
    if (now - last >= TimeUnit.SECONDS.toNanos(LOG_EVERY_SECONDS)
        && lastWarning.compareAndSet(last, now)) {
      LOG.warn("Refused a Raft TLS connection: {}", why);
    } else {
      LOG.debug("Refused a Raft TLS connection: {}", why);
    }
    return new CertificateException(why);
  }

  private static String address(SSLEngine engine) {
    return engine == null || engine.getPeerHost() == null ? null
        : engine.getPeerHost() + ":" + engine.getPeerPort();
  }

  private static String address(Socket socket) {
    return socket == null || socket.getRemoteSocketAddress() == null ? null
        : socket.getRemoteSocketAddress().toString();
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    check(chain, "client", null);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    check(chain, "server", null);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    check(chain, "client", address(socket));
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    check(chain, "server", address(socket));
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    check(chain, "client", address(engine));
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    check(chain, "server", address(engine));
  }

  /** Empty: a server's CertificateRequest names no authorities, so it discloses nothing. */
  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return NO_ISSUERS;
  }
}
