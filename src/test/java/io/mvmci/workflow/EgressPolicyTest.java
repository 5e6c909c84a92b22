package io.mvmci.workflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Which addresses a run may connect to: public ones, what the operator allows, never the cluster itself. */
class EgressPolicyTest {

  private static InetAddress parsed(String literal) {
    try {
      return InetAddress.getByAddress(EgressPolicy.literal(literal));
    } catch (java.net.UnknownHostException e) {
      throw new AssertionError(e);
    }
  }

  @ParameterizedTest(name = "{0} is {1}")
  @CsvSource(delimiter = '|', value = {
      "127.0.0.1        | a loopback address",
      "127.8.9.10       | a loopback address",
      "10.1.2.3         | a private address",
      "172.31.255.255   | a private address",
      "192.168.0.1      | a private address",
      "169.254.169.254  | a link-local address (cloud metadata services live there)",
      "100.64.0.1       | a shared (carrier-grade NAT) address",
      "0.0.0.0          | an unspecified (this-network) address",
      "224.0.0.1        | a multicast address",
      "255.255.255.255  | a reserved or broadcast address",
      "::1              | a loopback address",
      "::               | an unspecified address",
      "fe80::1          | a link-local address",
      "fd12:3456::1     | a private (unique local) address",
      "::ffff:10.0.0.1  | a private address",
      "::127.0.0.1      | a loopback address",
      "64:ff9b::a9fe:a9fe | a link-local address (cloud metadata services live there)",
      "2002:c0a8:0101:: | a private address"})
  void nonPublicAddressesAreDeniedByDefault(String address, String what) {
    assertThat(EgressPolicy.publicOnly().denied(parsed(address.strip()), 80)).isEqualTo(what.strip());
  }

  @ParameterizedTest
  @ValueSource(strings = {"93.184.216.34", "1.1.1.1", "172.32.0.1", "100.128.0.1", "2606:4700::1111",
      "64:ff9b::5db8:d822", "2002:5db8:d822::"})
  void publicAddressesAreAllowed(String address) {
    assertThat(EgressPolicy.publicOnly().denied(parsed(address), 443)).isNull();
  }

  @Test
  void theAllowListOpensExactlyItsRanges() {
    EgressPolicy p = EgressPolicy.allowing(List.of("127.0.0.1/32", "10.20.0.0/16", "fd00::/8"));
    assertThat(p.denied(parsed("127.0.0.1"), 8080)).isNull();
    assertThat(p.denied(parsed("127.0.0.2"), 8080)).isEqualTo("a loopback address");
    assertThat(p.denied(parsed("10.20.255.1"), 80)).isNull();
    assertThat(p.denied(parsed("10.21.0.1"), 80)).isEqualTo("a private address");
    assertThat(p.denied(parsed("fd00::5"), 80)).isNull();
    assertThat(p.denied(parsed("169.254.169.254"), 80)).isNotNull();
  }

  @Test
  void theClustersOwnPortsStayDeniedWhateverIsAllowed() {
    EgressPolicy p = EgressPolicy.allowing(List.of("127.0.0.0/8"))
        .protecting(List.of(new EgressPolicy.Endpoint("127.0.0.1", 3020), new EgressPolicy.Endpoint("0.0.0.0", 9000)));
    assertThat(p.denied(parsed("127.0.0.1"), 3020)).isEqualTo("a port of this mvm-ci cluster");
    assertThat(p.denied(parsed("127.0.0.1"), 3021)).isNull();
    assertThat(p.denied(parsed("127.0.0.5"), 9000)).as("a wildcard listener is every local address")
        .isEqualTo("a port of this mvm-ci cluster");
  }

  @Test
  void rangesAreLiteralsNeverNames() {
    assertThatThrownBy(() -> EgressPolicy.allowing(List.of("localhost"))).hasMessageContaining("not an IP address");
    assertThatThrownBy(() -> EgressPolicy.allowing(List.of("10.0.0.0/33"))).hasMessageContaining("0 to 32");
    assertThatThrownBy(() -> EgressPolicy.allowing(List.of("256.0.0.1"))).hasMessageContaining("not an IP address");
    assertThatThrownBy(() -> EgressPolicy.allowing(List.of("1:2"))).hasMessageContaining("not an IP address");
    assertThat(EgressPolicy.allowing(List.of("::1/128", "192.0.2.7"))).isNotNull();
  }
}
