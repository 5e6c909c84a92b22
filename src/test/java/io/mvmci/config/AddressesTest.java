package io.mvmci.config;

import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class AddressesTest {
  @Test
  void hostsAreNamesOrAddressesWithoutPort() {
    assertEquals("localhost", Addresses.host("localhost"));
    assertEquals("node-1.example.com.", Addresses.host("node-1.example.com."));
    assertEquals("10.1.2.3", Addresses.host("10.1.2.3"));
    assertEquals("::", Addresses.host("::"));
    assertEquals("::", Addresses.host("[::]"));
    assertEquals("fe80::1", Addresses.host("[fe80::1]"));
    assertThatThrownBy(() -> Addresses.host("localhost:80")).hasMessageContaining("without a port");
    assertThatThrownBy(() -> Addresses.host("-bad")).hasMessage("is not a valid hostname or IP address");
    assertThatThrownBy(() -> Addresses.host("1.2.3")).hasMessage("is not a valid IPv4 address");
    assertThatThrownBy(() -> Addresses.host("a".repeat(64))).hasMessage("is not a valid hostname or IP address");
  }

  @Test
  void hostPortsParseIpv6InBrackets() {
    assertEquals(new HostPort("::1", 9000), Addresses.hostPort("[::1]:9000"));
    assertEquals(new HostPort("db.internal", 1), Addresses.hostPort("db.internal:1"));
    assertEquals(new HostPort("h", 65535), Addresses.hostPort("h:65535"));
    assertThatThrownBy(() -> Addresses.hostPort("[::1]9000")).hasMessageContaining("[addr]:port");
    assertThatThrownBy(() -> Addresses.hostPort(":9000")).hasMessageContaining("the host is missing");
    assertThatThrownBy(() -> Addresses.hostPort("h:")).hasMessageContaining("port must be");
    assertThatThrownBy(() -> Addresses.hostPort("h:+80")).hasMessageContaining("port must be");
    assertThatThrownBy(() -> Addresses.hostPort("h:123456")).hasMessageContaining("port must be");
  }

  @Test
  void unspecifiedAddressesAreRecognised() {
    assertTrue(Addresses.isUnspecified("0.0.0.0"));
    assertTrue(Addresses.isUnspecified("::"));
    assertTrue(Addresses.isUnspecified("0:0::0"));
    assertFalse(Addresses.isUnspecified("::1"));
    assertFalse(Addresses.isUnspecified("127.0.0.1"));
    assertFalse(Addresses.isUnspecified("zero"));
  }

  @Test
  void hostPortPrintsIpv6InBrackets() {
    assertEquals("[::1]:9000", new HostPort("::1", 9000).toString());
    assertEquals("a:1", new HostPort("a", 1).toString());
    assertThatThrownBy(() -> new HostPort("a", 0)).isInstanceOf(IllegalArgumentException.class);
  }
}
