package io.mvmci.replication.tls;

import static io.mvmci.replication.tls.TlsCluster.newPeer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.mvmci.replication.tls.RaftTlsClusterTest.TrustAnyone;
import io.mvmci.replication.tls.TlsCluster.Node;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import org.apache.ratis.protocol.RaftPeer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Raft port seen from a raw socket: what a Ratis server with {@link RaftTls} accepts on the
 * wire. Each refusal has a twin that is accepted, so "refused" cannot mean "broken".
 *
 * <p>Acceptance is observed as the server's first HTTP/2 frame (SETTINGS): gRPC's server sends
 * it once the TLS session is up, which in TLS 1.3 is only after it has checked the client's
 * certificate, whereas the client's own handshake call returns before that check.
 */
class RaftTlsHandshakeTest {
  private static final String SECRET = "handshake-test-secret-0123456789";
  private static final byte[] H2_PREFACE =
      "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] EMPTY_SETTINGS = {0, 0, 0, 4, 0, 0, 0, 0, 0};
  private static final int HTTP2_SETTINGS = 4;

  @TempDir
  static Path tmp;

  private static ClusterIdentity identity;
  private static ClusterIdentity wrongIdentity;
  private static TlsCluster cluster;
  private static InetSocketAddress tlsPort;
  private static InetSocketAddress plaintextPort;

  @BeforeAll
  static void startOneTlsAndOnePlaintextServer() throws IOException {
    identity = ClusterIdentity.derive(SECRET);
    wrongIdentity = ClusterIdentity.derive("some-other-secret-9876543210");
    cluster = new TlsCluster(tmp);
    RaftPeer tls = newPeer("tls");
    RaftPeer plain = newPeer("plain");
    Node tlsNode = cluster.start(tls, cluster.group(tls), RaftTls.from(identity,
        RaftTls.defaultProvider()));
    cluster.start(plain, cluster.group(plain), null);
    await().atMost(Duration.ofSeconds(20)).until(tlsNode::isLeader);
    tlsPort = address(tls);
    plaintextPort = address(plain);
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void aClientWithTheDerivedKeyGetsTls13AndTheServerPresentsTheDerivedCertificate()
      throws Exception {
    AtomicReference<X509Certificate[]> presented = new AtomicReference<>();
    try (SSLSocket s = connect(identity, new Recording(presented), "TLSv1.3")) {
      s.startHandshake();
      assertThat(s.getSession().getProtocol()).isEqualTo("TLSv1.3");
      assertThat(s.getApplicationProtocol()).isEqualTo("h2");
      assertThat(presented.get()).hasSize(1);
      assertThat(presented.get()[0].getEncoded()).isEqualTo(identity.certificate().getEncoded());
      assertThat(firstFrameType(s)).isEqualTo(HTTP2_SETTINGS);
    }
  }

  @Test
  void tls12IsRefusedEvenWithTheRightKey() throws Exception {
    try (SSLSocket s = connect(identity, pinned(), "TLSv1.2")) {
      assertThatThrownBy(s::startHandshake).isInstanceOf(SSLHandshakeException.class);
    }
  }

  @Test
  void aClientWithoutACertificateIsRefused() throws Exception {
    try (SSLSocket s = connect(null, pinned(), "TLSv1.3")) {
      assertThatThrownBy(() -> firstFrameType(s)).isInstanceOf(IOException.class);
    }
  }

  @Test
  void aClientWithAWrongKeyIsRefusedEvenThoughItAcceptsTheServer() throws Exception {
    try (SSLSocket s = connect(wrongIdentity, new TrustAnyone(), "TLSv1.3")) {
      assertThatThrownBy(() -> firstFrameType(s)).isInstanceOf(IOException.class);
    }
  }

  @Test
  void aPlaintextHttp2ClientIsRefusedWhereAPlaintextServerWouldAnswerIt() throws Exception {
    assertThat(plaintextFirstFrameType(plaintextPort)).isEqualTo(HTTP2_SETTINGS);
    assertThat(plaintextFirstFrameType(tlsPort)).isEqualTo(-1);
  }

  @Test
  void hostNameVerificationWouldRefuseTheCertificateSoThePinReplacesIt() throws Exception {
    KeyStore anchors = KeyStore.getInstance("PKCS12");
    anchors.load(null, null);
    anchors.setCertificateEntry("cluster", identity.certificate());
    TrustManagerFactory pkix = TrustManagerFactory.getInstance("PKIX");
    pkix.init(anchors);

    // What gRPC asks of every client engine: HTTPS endpoint identification. With ordinary PKIX
    // trust the certificate (no names, one for the whole cluster) fails it on any address ...
    try (SSLSocket s = connect(identity, pkix.getTrustManagers()[0], "TLSv1.3")) {
      SSLParameters p = s.getSSLParameters();
      p.setEndpointIdentificationAlgorithm("HTTPS");
      s.setSSLParameters(p);
      assertThatThrownBy(s::startHandshake).isInstanceOf(SSLHandshakeException.class)
          .hasStackTraceContaining("subject alternative names");
    }
    // ... and the pinned trust manager, asked the same, checks the key instead.
    try (SSLSocket s = connect(identity, pinned(), "TLSv1.3")) {
      SSLParameters p = s.getSSLParameters();
      p.setEndpointIdentificationAlgorithm("HTTPS");
      s.setSSLParameters(p);
      assertThat(firstFrameType(s)).isEqualTo(HTTP2_SETTINGS);
    }
  }

  // --- helpers ---

  private static TrustManager pinned() {
    return new PinnedCertificateTrustManager(identity.certificate());
  }

  private static SSLSocket connect(ClusterIdentity id, TrustManager trust, String protocol)
      throws Exception {
    KeyManager[] keys = null;
    if (id != null) {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      char[] pw = "test".toCharArray();
      ks.setKeyEntry("raft", id.privateKey(), pw, new Certificate[] {id.certificate()});
      KeyManagerFactory kmf = KeyManagerFactory.getInstance("SunX509");
      kmf.init(ks, pw);
      keys = kmf.getKeyManagers();
    }
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(keys, new TrustManager[] {trust}, null);
    SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket();
    s.connect(tlsPort, 5_000);
    s.setSoTimeout(5_000);
    s.setEnabledProtocols(new String[] {protocol});
    SSLParameters p = s.getSSLParameters();
    p.setApplicationProtocols(new String[] {"h2"});
    s.setSSLParameters(p);
    return s;
  }

  /** Sends the HTTP/2 client preface and returns the type of the server's first frame. */
  private static int firstFrameType(Socket s) throws IOException {
    s.getOutputStream().write(H2_PREFACE);
    s.getOutputStream().write(EMPTY_SETTINGS);
    s.getOutputStream().flush();
    InputStream in = s.getInputStream();
    byte[] header = in.readNBytes(9);
    return header.length == 9 ? header[3] : -1;
  }

  private static int plaintextFirstFrameType(InetSocketAddress port) throws IOException {
    try (Socket s = new Socket()) {
      s.connect(port, 5_000);
      s.setSoTimeout(5_000);
      return firstFrameType(s);
    } catch (java.net.SocketException reset) {
      return -1;
    }
  }

  private static InetSocketAddress address(RaftPeer peer) {
    String[] hostPort = peer.getAddress().split(":");
    return new InetSocketAddress(hostPort[0], Integer.parseInt(hostPort[1]));
  }

  /** Accepts any server and remembers the chain it presented. */
  private static final class Recording extends X509ExtendedTrustManager {
    private final AtomicReference<X509Certificate[]> seen;

    Recording(AtomicReference<X509Certificate[]> seen) {
      this.seen = seen;
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {
      seen.set(chain);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
      seen.set(chain);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType,
        javax.net.ssl.SSLEngine engine) {
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType,
        javax.net.ssl.SSLEngine engine) {
      seen.set(chain);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
