package io.mvmci.config;

import static io.mvmci.config.Toml.API_SECRET;
import static io.mvmci.config.Toml.ENC_KEY;
import static io.mvmci.config.Toml.RAFT_SECRET;
import static io.mvmci.config.Toml.cluster;
import static io.mvmci.config.Toml.error;
import static io.mvmci.config.Toml.parse;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/** Every rule of [node], each with the exact message it produces. */
class NodeSectionValidationTest {
  private static final String P = "invalid configuration (test.toml): ";
  private static final String N1 = "\"1 127.0.0.1:9000 127.0.0.1:3020\"";

  /** A one-member [node] section whose only member entry is {@code entry}. */
  private static String single(String entry) {
    return "[node]\nnodes = [\"" + entry + "\"]\n";
  }

  /** A [node] section with the given member entries, ids 1.. and secrets set. */
  private static String members(String... entries) {
    return "[node]\nsecret_raft = \"" + RAFT_SECRET + "\"\nsecret_api = \"" + API_SECRET + "\"\nnodes = [\""
        + String.join("\", \"", entries) + "\"]\n";
  }

  static Stream<Arguments> rules() {
    return Stream.of(
        Arguments.of("node_id too small", "[node]\nnode_id = 0",
            "node.node_id = 0: must be between 1 and 2147483647"),
        Arguments.of("node_id as string", "[node]\nnode_id = \"1\"",
            "node.node_id = \"1\": must be an integer between 1 and 2147483647"),
        Arguments.of("node_id as float", "[node]\nnode_id = 1.5",
            "node.node_id = 1.5: must be an integer between 1 and 2147483647"),
        Arguments.of("node_id beyond int", "[node]\nnode_id = 2147483648",
            "node.node_id = 2147483648: must be between 1 and 2147483647"),
        Arguments.of("node_id not a member", cluster("").replace("node_id = 1", "node_id = 4"),
            "node.node_id = 4: not a member: node.nodes has ids 1, 2, 3; add this node to it"),
        Arguments.of("data_dir empty", "[node]\ndata_dir = \" \"",
            "node.data_dir = \" \": must not be empty"),
        Arguments.of("data_dir not a string", "[node]\ndata_dir = 5",
            "node.data_dir = 5: must be a string"),
        Arguments.of("data_dir with NUL", "[node]\ndata_dir = \"a\\u0000b\"",
            "node.data_dir = \"a\\u0000b\": is not a valid path: Nul character not allowed"),
        Arguments.of("nodes empty", "[node]\nnodes = []",
            "node.nodes = []: must list at least one member, \"id raft_host:port http_host:port\""),
        Arguments.of("nodes not an array", "[node]\nnodes = \"1 127.0.0.1:9000 127.0.0.1:3020\"",
            "node.nodes = " + N1 + ": must be an array of strings"),
        Arguments.of("nodes element not a string", "[node]\nnodes = [\"1 127.0.0.1:9000 127.0.0.1:3020\", 2]",
            "node.nodes[1] = 2: must be a string"),
        Arguments.of("member with two parts", members("1 127.0.0.1:9000 127.0.0.1:3020", "2 127.0.0.1:9002"),
            "node.nodes[1] = \"2 127.0.0.1:9002\": must be \"id raft_host:port http_host:port [stream_host:port]\" (3 or 4 parts, found 2)"),
        Arguments.of("member id not a number", single("one 127.0.0.1:9000 127.0.0.1:3020"),
            "node.nodes[0] = \"one 127.0.0.1:9000 127.0.0.1:3020\": member id must be an integer >= 1"),
        Arguments.of("member id zero", single("0 127.0.0.1:9000 127.0.0.1:3020"),
            "node.nodes[0] = \"0 127.0.0.1:9000 127.0.0.1:3020\": member id must be an integer >= 1"),
        Arguments.of("raft address without port", single("1 127.0.0.1 127.0.0.1:3020"),
            "node.nodes[0] = \"1 127.0.0.1 127.0.0.1:3020\": raft address 127.0.0.1 must be host:port (the port is missing)"),
        Arguments.of("http port zero", single("1 127.0.0.1:9000 127.0.0.1:0"),
            "node.nodes[0] = \"1 127.0.0.1:9000 127.0.0.1:0\": http address 127.0.0.1:0 port must be an integer between 1 and 65535"),
        Arguments.of("http port too big", single("1 127.0.0.1:9000 127.0.0.1:65536"),
            "node.nodes[0] = \"1 127.0.0.1:9000 127.0.0.1:65536\": http address 127.0.0.1:65536 port must be an integer between 1 and 65535"),
        Arguments.of("bad hostname", single("1 bad!host:9000 127.0.0.1:3020"),
            "node.nodes[0] = \"1 bad!host:9000 127.0.0.1:3020\": raft address bad!host:9000 is not a valid hostname or IP address"),
        Arguments.of("bad IPv4", single("1 300.1.1.1:9000 127.0.0.1:3020"),
            "node.nodes[0] = \"1 300.1.1.1:9000 127.0.0.1:3020\": raft address 300.1.1.1:9000 is not a valid IPv4 address"),
        Arguments.of("IPv6 without brackets", single("1 ::1:9000 127.0.0.1:3020"),
            "node.nodes[0] = \"1 ::1:9000 127.0.0.1:3020\": raft address ::1:9000 must be host:port; write an IPv6 host in brackets, e.g. [::1]:9000"),
        Arguments.of("unspecified member address", single("1 0.0.0.0:9000 127.0.0.1:3020"),
            "node.nodes[0] = \"1 0.0.0.0:9000 127.0.0.1:3020\": raft address 0.0.0.0:9000 cannot be dialled by peers; "
                + "write the address they reach this member at (to bind every interface, set listen_addr_raft)"),
        Arguments.of("duplicate member id", members("1 127.0.0.1:9000 127.0.0.1:3020", "1 127.0.0.1:9002 127.0.0.1:3021"),
            "node.nodes[1] = \"1 127.0.0.1:9002 127.0.0.1:3021\": member id 1 is also used by node.nodes[0]"),
        Arguments.of("duplicate raft address", members("1 127.0.0.1:9000 127.0.0.1:3020", "2 LOCALHOST:9002 127.0.0.1:3021", "3 localhost:9002 127.0.0.1:3022"),
            "node.nodes[2] = \"3 localhost:9002 127.0.0.1:3022\": raft address localhost:9002 is also the raft address of node.nodes[1]; "
                + "every raft and http address must be distinct"),
        Arguments.of("raft address equals another member's http", members("1 127.0.0.1:9000 127.0.0.1:3020", "2 127.0.0.1:3020 127.0.0.1:3021"),
            "node.nodes[1] = \"2 127.0.0.1:3020 127.0.0.1:3021\": raft address 127.0.0.1:3020 is also the http address of node.nodes[0]; "
                + "every raft and http address must be distinct"),
        Arguments.of("raft and http the same on one member", single("1 127.0.0.1:9000 127.0.0.1:9000"),
            "node.nodes[0] = \"1 127.0.0.1:9000 127.0.0.1:9000\": http address 127.0.0.1:9000 is also the raft address of the same member; "
                + "every raft and http address must be distinct"),
        Arguments.of("secret_raft required in a cluster", cluster("").replace("secret_raft = \"" + RAFT_SECRET + "\"", ""),
            "node.secret_raft = <missing>: required when node.nodes has more than one member (it has 3); use the same value on every node"),
        Arguments.of("secret_api required in a cluster", cluster("").replace("secret_api = \"" + API_SECRET + "\"", ""),
            "node.secret_api = <missing>: required when node.nodes has more than one member (it has 3); use the same value on every node"),
        Arguments.of("secret_raft too short", "[node]\nsecret_raft = \"short\"",
            "node.secret_raft = <redacted, 5 chars>: must be at least 16 characters (omit the key to leave it unset)"),
        Arguments.of("secret_api too short", "[node]\nsecret_api = \"\"",
            "node.secret_api = <redacted, 0 chars>: must be at least 16 characters (omit the key to leave it unset)"),
        Arguments.of("secret not a string", "[node]\nsecret_raft = 12345",
            "node.secret_raft = <redacted, 5 chars>: must be a string"),
        Arguments.of("secrets equal", cluster("").replace(API_SECRET, RAFT_SECRET),
            "node.secret_api = <redacted, 22 chars>: must differ from node.secret_raft"),
        Arguments.of("enc key without slash", "[node]\nenc_keys = [\"" + ENC_KEY + "\"]\nenc_key_active = \"a\"",
            "node.enc_keys[0] = <redacted, 44 chars>: must be \"id/base64key\" (no '/' found)"),
        Arguments.of("enc key bad id", "[node]\nenc_keys = [\"a b/" + ENC_KEY + "\"]\nenc_key_active = \"a b\"",
            "node.enc_keys[0] = \"a b/<redacted, 44 chars>\": key id must match [A-Za-z0-9_-]+"),
        Arguments.of("enc key empty id", "[node]\nenc_keys = [\"/" + ENC_KEY + "\"]",
            "node.enc_keys[0] = \"/<redacted, 44 chars>\": key id must match [A-Za-z0-9_-]+"),
        Arguments.of("enc key not base64", "[node]\nenc_keys = [\"k1/not*base64\"]",
            "node.enc_keys[0] = \"k1/<redacted, 10 chars>\": key is not valid base64"),
        Arguments.of("enc key of 16 bytes", "[node]\nenc_keys = [\"k1/MDEyMzQ1Njc4OWFiY2RlZg==\"]",
            "node.enc_keys[0] = \"k1/<redacted, 24 chars>\": key must be base64 of exactly 32 bytes (AES-256), it decodes to 16"),
        Arguments.of("enc key element not a string", "[node]\nenc_keys = [7]",
            "node.enc_keys[0] = <redacted, 1 chars>: must be a string"),
        Arguments.of("enc key ids duplicate", "[node]\nenc_keys = [\"k1/" + ENC_KEY + "\", \"k1/" + ENC_KEY + "\"]\nenc_key_active = \"k1\"",
            "node.enc_keys[1] = \"k1/<redacted, 44 chars>\": key id \"k1\" is also used by node.enc_keys[0]"),
        Arguments.of("enc_key_active missing", "[node]\nenc_keys = [\"k1/" + ENC_KEY + "\"]",
            "node.enc_key_active = <missing>: required when node.enc_keys is not empty; name one of its ids"),
        Arguments.of("enc_key_active unknown", "[node]\nenc_keys = [\"k1/" + ENC_KEY + "\", \"k2/" + ENC_KEY + "\"]\nenc_key_active = \"k9\"",
            "node.enc_key_active = \"k9\": not found in node.enc_keys (ids: k1, k2)"),
        Arguments.of("enc_key_active without keys", "[node]\nenc_key_active = \"k1\"",
            "node.enc_key_active = \"k1\": set, but node.enc_keys is empty"),
        Arguments.of("listen address with port", "[node]\nlisten_addr_raft = \"0.0.0.0:9000\"",
            "node.listen_addr_raft = \"0.0.0.0:9000\": must be an address without a port (the port comes from this node's entry in nodes)"),
        Arguments.of("listen address not a host", "[node]\nlisten_addr_api = \"not a host\"",
            "node.listen_addr_api = \"not a host\": is not a valid hostname or IP address"),
        Arguments.of("listen address bad IPv6", "[node]\nlisten_addr_api = \"[fe80::zz]\"",
            "node.listen_addr_api = \"[fe80::zz]\": is not a valid IPv6 address"),
        Arguments.of("listen address empty", "[node]\nlisten_addr_api = \"\"",
            "node.listen_addr_api = \"\": must not be empty"),
        Arguments.of("misspelt key, suggestion, value hidden", "[node]\nsecret_rafts = \"" + RAFT_SECRET + "\"",
            "node.secret_rafts = <redacted, 22 chars>: unknown key; did you mean secret_raft?"),
        Arguments.of("unknown key", "[node]\ncolour = 3",
            "node.colour = 3: unknown key; known keys: node_id, data_dir, secret_raft, secret_api, enc_keys, "
                + "enc_key_active, nodes, listen_addr_raft, listen_addr_api, join"),
        Arguments.of("nested table in [node]", "[node.extra]\na = 1",
            "node.extra = <table>: unknown key; known keys: node_id, data_dir, secret_raft, secret_api, enc_keys, "
                + "enc_key_active, nodes, listen_addr_raft, listen_addr_api, join"),
        Arguments.of("node not a table", "node = 5",
            "node = 5: must be a table, written [node]"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rules")
  void ruleNamesFieldAndValue(String rule, String toml, String expected) {
    assertEquals(P + expected, error(toml));
  }

  @Test
  void ipv6AndHostnameMembersAreAccepted() {
    NodeConfig c = parse(members("1 [::1]:9000 [::1]:3020", "2 node-2.internal:9000 node_2:3020"));

    assertEquals(new HostPort("::1", 9000), c.self().raft());
    assertEquals("[::1]:9000", c.self().raft().toString());
    assertEquals(new HostPort("node_2", 3020), c.peers().get(0).http());
    assertEquals(new HostPort("::1", 9000), c.raftBind());
  }

  @Test
  void memberEntriesMayUseAnyWhitespace() {
    assertEquals(
        List.of(new Member(1, new HostPort("127.0.0.1", 9000), new HostPort("127.0.0.1", 3020))),
        parse(single("  1\\t127.0.0.1:9000    127.0.0.1:3020 ")).members());
  }

  @Test
  void encryptionKeysDecodeToTheirBytesAndOneIsActive() {
    String other = Base64.getEncoder().encodeToString(new byte[32]);
    NodeConfig c = parse("[node]\nenc_keys = [\"k1/" + ENC_KEY + "\", \"k_2-b/" + other + "\"]\nenc_key_active = \"k_2-b\"");

    assertEquals(List.of("k1", "k_2-b"), c.node().encKeys().stream().map(EncKey::id).toList());
    assertArrayEquals("0123456789abcdef0123456789abcdef".getBytes(), c.node().encKeys().get(0).bytes());
    assertEquals(Optional.of("k_2-b"), c.node().activeEncKey().map(EncKey::id));
  }

  @Test
  void singleNodeMayOmitSecretsAndMaySetThem() {
    assertEquals(Optional.empty(), parse("[node]\nnode_id = 1").secretRaft());
    assertEquals(Optional.of(RAFT_SECRET), parse("[node]\nsecret_raft = \"" + RAFT_SECRET + "\"").secretRaft());
  }
}
