package io.mvmci.api;

import io.mvmci.config.HostPort;
import io.mvmci.replication.GroupMembers;
import java.time.Duration;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/**
 * Changing the Raft group's members at runtime ({@link MemberChanges}); {@code secret_api} only. Each
 * call answers once the change is committed, with the group's members then.
 */
@RestController
@RequestMapping("/api/v1/admin/cluster/members")
class MembersController {
  static final long MAX_CATCH_UP_MS = 3_600_000;

  private final MemberChanges changes;
  private final io.mvmci.replication.RaftNode node;

  MembersController(MemberChanges changes, io.mvmci.replication.RaftNode node) {
    this.changes = changes;
    this.node = node;
  }

  /** A member of the group: its id, role ({@code voter} or {@code listener}), Raft and HTTP address (null if unknown). */
  record MemberView(int id, String role, String raft, String http) {}

  /** The group's members; {@code index} is the log index of the configuration. */
  record Members(java.util.List<MemberView> members, long index) {}

  /**
   * A new member: {@code id}, {@code raft} and {@code http} ({@code host:port}), and
   * {@code catch_up_ms}, how long it may take to catch up before the change is given up (default
   * two minutes).
   */
  record NewMember(int id, HostPort raft, HostPort http, Duration catchUp) {
    static NewMember of(JsonNode body) {
      if (body == null || !body.isObject()) {
        throw new BadRequestException(null, "the body must be a JSON object {\"id\", \"raft\", \"http\"}");
      }
      long catchUp = body.has("catch_up_ms") ? integer(body, "catch_up_ms", 1, MAX_CATCH_UP_MS)
          : MemberChanges.DEFAULT_CATCH_UP.toMillis();
      return new NewMember((int) integer(body, "id", 1, Integer.MAX_VALUE), address(body, "raft"),
          address(body, "http"), Duration.ofMillis(catchUp));
    }
  }

  @GetMapping
  Members members() {
    return view(changes, node.membership().current());
  }

  @PostMapping
  Members add(@RequestBody JsonNode body) {
    NewMember m = NewMember.of(body);
    return view(changes, changes.add(m.id(), m.raft(), m.http(), m.catchUp()));
  }

  @DeleteMapping("/{id}")
  Members remove(@PathVariable String id) {
    return view(changes, changes.remove(memberId(id, "id")));
  }

  /** Adds the member the body describes and removes member {@code id} in one change (a dead node's replacement). */
  @PostMapping("/{id}/replace")
  Members replace(@PathVariable("id") String old, @RequestBody JsonNode body) {
    int oldId = memberId(old, "id");
    NewMember m = NewMember.of(body);
    return view(changes, changes.replace(oldId, m.id(), m.raft(), m.http(), m.catchUp()));
  }

  static Members view(MemberChanges changes, GroupMembers g) {
    java.util.List<MemberView> out = new java.util.ArrayList<>();
    g.voters().forEach(p -> out.add(new MemberView(p.id(), "voter", p.raftAddress(),
        changes.http(p.id()).map(HostPort::toString).orElse(null))));
    g.listeners().forEach(p -> out.add(new MemberView(p.id(), "listener", p.raftAddress(),
        changes.http(p.id()).map(HostPort::toString).orElse(null))));
    return new Members(out, g.index());
  }

  private static int memberId(String s, String field) {
    try {
      int id = Integer.parseInt(s);
      if (id >= 1) {
        return id;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw new BadRequestException(field, field + " must be a member id, an integer of at least 1; was \"" + s + "\"");
  }

  private static long integer(JsonNode body, String field, long min, long max) {
    JsonNode v = body.get(field);
    if (v == null || !v.isIntegralNumber() || !v.canConvertToLong() || v.asLong() < min || v.asLong() > max) {
      throw new BadRequestException(field, field + " must be an integer from " + min + " to " + max);
    }
    return v.asLong();
  }

  private static HostPort address(JsonNode body, String field) {
    JsonNode v = body.get(field);
    if (v == null || !v.isString()) {
      throw new BadRequestException(field, field + " must be a string, host:port");
    }
    try {
      return HostPort.parse(v.asString());
    } catch (IllegalArgumentException e) {
      throw new BadRequestException(field, field + " " + e.getMessage());
    }
  }
}
