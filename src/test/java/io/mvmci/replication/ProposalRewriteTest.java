package io.mvmci.replication;

import static org.assertj.core.api.Assertions.assertThat;

import io.mvmci.command.ClaimJobs;
import io.mvmci.command.Command;
import io.mvmci.command.CommandCodec;
import io.mvmci.command.Result;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The leader's rewrite of a proposal in {@link QueueStateMachine#startTransaction}: the rewritten batch
 * is what the entry carries, one too large or a rewriter that throws leaves the proposal as it was,
 * and a rewrite whose entry will not apply here is abandoned (refused, or pending at a step-down).
 * A real state machine, with the requests Ratis would hand it; no Raft server.
 */
class ProposalRewriteTest {
  @TempDir Path dir;

  /** Replaces every command with {@code times} claims, and counts abandonments. */
  static final class Multiplier implements ProposalRewriter {
    final int times;
    final AtomicInteger abandoned = new AtomicInteger();

    Multiplier(int times) {
      this.times = times;
    }

    @Override
    public Rewrite rewrite(List<Command> batch) {
      List<Command> out = new ArrayList<>();
      for (Command c : batch) {
        for (int i = 0; i < times; i++) {
          out.add(c);
        }
      }
      return new Rewrite() {
        @Override
        public List<Command> batch() {
          return out;
        }

        @Override
        public List<Result> applied(List<Result> results) {
          return results;
        }

        @Override
        public void abandoned() {
          abandoned.incrementAndGet();
        }
      };
    }
  }

  static RaftClientRequest request(List<Command> batch) {
    return RaftClientRequest.newBuilder()
        .setClientId(ClientId.randomId())
        .setServerId(RaftPeerId.valueOf("n1"))
        .setGroupId(RaftNode.GROUP_ID)
        .setCallId(1)
        .setMessage(Message.valueOf(ByteString.copyFrom(CommandCodec.encode(batch))))
        .setType(RaftClientRequest.writeRequestType())
        .build();
  }

  static List<Command> appended(TransactionContext trx) {
    assertThat(trx.getException()).isNull();
    return CommandCodec.decode(trx.getStateMachineLogEntry().getLogData().toByteArray());
  }

  QueueStateMachine machine() {
    return new QueueStateMachine(dir.resolve("q.sqlite"), 1, ApplyListener.NONE);
  }

  static final List<Command> BATCH = List.of(new ClaimJobs(1L, "node-2", 1, 3_000));

  @Test
  void theEntryCarriesTheRewrittenBatch() throws Exception {
    QueueStateMachine sm = machine();
    assertThat(appended(sm.startTransaction(request(BATCH)))).as("no rewriter").isEqualTo(BATCH);
    Multiplier twice = new Multiplier(2);
    sm.rewriteProposalsWith(twice, 1 << 20);
    assertThat(appended(sm.startTransaction(request(BATCH)))).containsExactly(BATCH.get(0), BATCH.get(0));
    assertThat(twice.abandoned).hasValue(0);
  }

  @Test
  void aRewriteTooLargeForAnEntryOrAFailingRewriterLeavesTheProposalAsItWas() throws Exception {
    QueueStateMachine sm = machine();
    Multiplier many = new Multiplier(10_000);
    sm.rewriteProposalsWith(many, 64 * 1024);
    assertThat(appended(sm.startTransaction(request(BATCH)))).isEqualTo(BATCH);
    assertThat(many.abandoned).as("its slots given back").hasValue(1);
    sm.rewriteProposalsWith(batch -> {
      throw new IllegalStateException("a bug in the rewriter");
    }, 1 << 20);
    assertThat(appended(sm.startTransaction(request(BATCH)))).isEqualTo(BATCH);
  }

  @Test
  void aRefusedEntryAndOnesPendingAtAStepDownAreAbandoned() throws Exception {
    QueueStateMachine sm = machine();
    Multiplier twice = new Multiplier(2);
    sm.rewriteProposalsWith(twice, 1 << 20);
    sm.cancelTransaction(sm.startTransaction(request(BATCH)));
    assertThat(twice.abandoned).hasValue(1);
    sm.notifyNotLeader(List.of(sm.startTransaction(request(BATCH)), sm.startTransaction(request(BATCH))));
    assertThat(twice.abandoned).hasValue(3);
    sm.rewriteProposalsWith(ProposalRewriter.NONE, 1 << 20);
    sm.notifyNotLeader(List.of(sm.startTransaction(request(BATCH))));
    assertThat(twice.abandoned).as("an entry that was not rewritten").hasValue(3);
  }
}
