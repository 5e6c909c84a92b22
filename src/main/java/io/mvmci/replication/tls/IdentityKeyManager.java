package io.mvmci.replication.tls;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * Offers the cluster identity's one key and certificate in every handshake, as server and as client.
 *
 * <p>Why not hand Ratis the key and certificate themselves: Netty then builds a PKCS#12 key store
 * from them for every SSL context it makes (one per channel kind and peer, so five or more a node),
 * and putting a key into a PKCS#12 store encrypts it with PBKDF2 at 10,000 iterations of
 * HMAC-SHA-256. That protected a store that never leaves memory, and cost about 15 % of a node's
 * start-up CPU here (async-profiler, one node, C1 only). Given a key manager, Netty uses it as it
 * is, on BoringSSL and on the JDK's TLS alike.
 *
 * <p>An alias is offered only for key types of the key's own algorithm ({@code EC}, and the
 * {@code EC_*} forms of TLS 1.2's ECDH suites), as the JDK's own key managers do, so that an engine
 * that asks for an RSA key first is told there is none.
 */
final class IdentityKeyManager extends X509ExtendedKeyManager {
  static final String ALIAS = "mvm-ci-raft";

  private final PrivateKey key;
  private final X509Certificate certificate;

  IdentityKeyManager(PrivateKey key, X509Certificate certificate) {
    this.key = key;
    this.certificate = certificate;
  }

  @Override
  public String[] getClientAliases(String keyType, Principal[] issuers) {
    return fits(keyType) ? new String[] {ALIAS} : null;
  }

  @Override
  public String[] getServerAliases(String keyType, Principal[] issuers) {
    return getClientAliases(keyType, issuers);
  }

  @Override
  public String chooseClientAlias(String[] keyTypes, Principal[] issuers, Socket socket) {
    if (keyTypes == null) {
      return null;
    }
    for (String type : keyTypes) {
      if (fits(type)) {
        return ALIAS;
      }
    }
    return null;
  }

  @Override
  public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
    return fits(keyType) ? ALIAS : null;
  }

  @Override
  public String chooseEngineClientAlias(String[] keyTypes, Principal[] issuers, SSLEngine engine) {
    return chooseClientAlias(keyTypes, issuers, null);
  }

  @Override
  public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
    return chooseServerAlias(keyType, issuers, null);
  }

  @Override
  public X509Certificate[] getCertificateChain(String alias) {
    return ALIAS.equals(alias) ? new X509Certificate[] {certificate} : null;
  }

  @Override
  public PrivateKey getPrivateKey(String alias) {
    return ALIAS.equals(alias) ? key : null;
  }

  private boolean fits(String keyType) {
    String algorithm = key.getAlgorithm();
    return keyType != null && (keyType.equals(algorithm) || keyType.startsWith(algorithm + "_"));
  }

  @Override
  public String toString() {
    return "IdentityKeyManager[" + ALIAS + "]";
  }
}
