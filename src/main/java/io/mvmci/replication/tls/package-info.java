/**
 * Raft transport security: mutual TLS on every Ratis gRPC channel, keyed from
 * {@code node.secret_raft}. Entry point: {@link io.mvmci.replication.tls.RaftTls}.
 *
 * <h2>Design note</h2>
 *
 * <h3>Requirement</h3>
 * "Peers must prove they know {@code secret_raft} before they take part in Raft": a node or
 * client without the secret can neither join, nor append, nor vote, nor call the client or
 * admin services of a Raft port.
 *
 * <h3>Threat model</h3>
 * The adversary can reach the Raft ports (same LAN, container network or VPC), open
 * connections, send any bytes, and read or alter traffic in between nodes; it does not know the
 * secret. The more common adversary is an accident: a node with a stale or mistyped secret, or a
 * test cluster whose peer list points at production.
 *
 * <h3>Mechanism</h3>
 * <ol>
 *   <li>Argon2id (19 MiB, 2 passes) stretches the secret, HKDF-SHA256 expands it under the
 *       versioned label {@code "mvm-ci raft mTLS v1 / ..."} into an EC P-256 private key.</li>
 *   <li>A self-signed certificate with fixed fields (name, validity window, extensions, a serial
 *       taken from the key) is signed with RFC 6979 deterministic ECDSA, so every node that knows
 *       the secret builds the byte-identical certificate ({@code ClusterIdentityTest} pins it).</li>
 *   <li>Each node presents that certificate, on servers and on clients, and trusts exactly that
 *       certificate, compared byte for byte. Holding it proves nothing; the TLS handshake's
 *       CertificateVerify proves possession of the private key, hence of the secret.</li>
 *   <li>Client certificates are required ({@code ClientAuth.REQUIRE}), TLS 1.3 is the only
 *       protocol, and the same configuration is set for the server, client and admin channels
 *       and as Ratis's fallback, so no channel is left plaintext. A plaintext peer is hung up
 *       on by the TLS server; a TLS client will not talk to a plaintext server.</li>
 *   <li>No host name check. gRPC asks for HTTPS endpoint identification, but the verdict belongs
 *       to the trust manager and the pinned one ignores names: a certificate derived from a
 *       secret alone cannot know where nodes run (loopback, containers, NAT), and the property we
 *       need, "the peer holds the cluster key", does not depend on the address. A machine in the
 *       middle cannot complete a handshake without the key, whatever address it answers on.</li>
 * </ol>
 *
 * <h3>What it protects</h3>
 * Authentication of every Raft connection before Ratis parses a single message (votes,
 * AppendEntries, InstallSnapshot, ReadIndex, client requests, SetConfiguration, leadership
 * transfer); confidentiality and integrity of the replicated log on the wire (job URLs,
 * results); and clusters from accidentally merging with each other.
 *
 * <h3>What it does not protect</h3>
 * <ul>
 *   <li>Anyone who holds the secret: every member shares one key, so there is no per-node
 *       identity, and a member (or whoever reads a node's config file, environment or backup)
 *       can claim any peer id. A compromised node is a compromised cluster.</li>
 *   <li>Offline guessing: any client that reaches a Raft port receives the certificate, whose
 *       public key is a verifier for the secret. Argon2id makes each guess cost memory and time,
 *       and secrets shorter than 16 characters are refused; a long random secret is the
 *       real defence.</li>
 *   <li>Denial of service (connection or handshake floods), traffic analysis, data at rest
 *       (SQLite, the Raft log on disk), the HTTP API (that is {@code secret_api}'s job).</li>
 *   <li>Rotation without downtime: nodes with different secrets cannot talk, so changing the
 *       secret means restarting the whole cluster with the new one.</li>
 * </ul>
 *
 * <h3>Why not something else</h3>
 * <ul>
 *   <li><b>An HMAC in the command payload.</b> It would only guard what reaches our state
 *       machine. RequestVote, the AppendEntries header, InstallSnapshot and SetConfiguration are
 *       Ratis's own messages: a rogue peer could still win or disrupt elections, raise terms,
 *       make followers truncate their logs, reconfigure the group, and read everything in
 *       cleartext. The check must sit in front of Ratis, at the transport.</li>
 *   <li><b>A token in gRPC metadata.</b> Ratis lets us customise its gRPC servers but builds
 *       its outgoing channels itself, so adding the token would mean patching Ratis; and
 *       without TLS the token crosses the network in cleartext and can be replayed.</li>
 *   <li><b>Certificate files or a private CA.</b> Right when nodes need distinct identities,
 *       but operators must create, distribute and renew files per node, and the original
 *       configuration (kept compatible) has only {@code secret_raft}. {@link
 *       io.mvmci.replication.tls.RaftTls#grpcTlsConfig()} is a plain {@code GrpcTlsConfig}, so
 *       file-based certificates can be added later without changing the wiring.</li>
 *   <li><b>TLS with an external pre-shared key.</b> Closest in spirit, but the JDK's TLS does
 *       not implement external PSKs and Ratis's {@code GrpcTlsConfig} only takes keys, key managers,
 *       certificates and trust managers.</li>
 *   <li><b>Ratis's Netty transport or data stream.</b> They have no TLS;
 *       {@code RaftTls.configure} refuses properties that enable either.</li>
 *   <li><b>Ed25519 instead of P-256.</b> ratis-thirdparty 1.1.0 bundles BoringSSL
 *       (netty-tcnative-boringssl-static 2.0.78), and Netty's {@code OpenSslKeyMaterialManager}
 *       only picks RSA or EC server keys: an Ed25519 server aborts every handshake with
 *       {@code internal_error} (measured; the JDK provider accepted it). P-256 works on both.</li>
 * </ul>
 *
 * <h3>Provider</h3>
 * BoringSSL when its native library loads, otherwise the JDK's TLS; chosen explicitly because
 * Ratis's server default is BoringSSL without fallback. The two interoperate (tested).
 *
 * <h3>Invariants</h3>
 * The secret and everything derived from it MUST NOT be logged or put in exception messages;
 * messages name the field {@code node.secret_raft} instead. Any change to the derivation
 * changes every cluster's certificate: bump {@code ClusterIdentity.VERSION} and the golden test
 * together, and treat it as a breaking change.
 */
package io.mvmci.replication.tls;
