package io.mvmci.replication;

import io.mvmci.command.Command;
import io.mvmci.command.CommandCodec;
import io.mvmci.command.Result;
import io.mvmci.command.ResultCodec;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.ratis.RaftConfigKeys;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.client.api.DataStreamOutput;
import org.apache.ratis.conf.Parameters;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.datastream.SupportedDataStreamType;
import org.apache.ratis.grpc.GrpcTlsConfig;
import org.apache.ratis.io.StandardWriteOption;
import org.apache.ratis.netty.NettyConfigKeys;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.RoutingTable;

/**
 * Bulk bytes through Ratis DataStream (Netty), the way Apache Ozone writes its blocks: this node is
 * the primary and forwards every packet to the members of the routing table; once each has closed
 * its copy, the header command goes through the log (Ratis's {@code sendForward}) and its result comes
 * back. The log carries only the header.
 */
final class DataStreams {
  /** Packets of this size; the last one is shorter. */
  static final int PACKET = 1 << 20;

  private DataStreams() {}

  /** Whether every member has a stream address: only then is DataStream switched on. */
  static boolean enabled(RaftSettings s) {
    return s.peers().stream().allMatch(p -> p.streamAddress() != null);
  }

  static void configure(RaftSettings s, RaftProperties p, Parameters params, GrpcTlsConfig tls) {
    RaftConfigKeys.DataStream.setType(p, SupportedDataStreamType.NETTY);
    NettyConfigKeys.DataStream.setHost(p, s.bindHost());
    NettyConfigKeys.DataStream.setPort(p, port(s.self().streamAddress()));
    if (tls != null) {
      NettyConfigKeys.DataStream.Server.setTlsConf(params, tls);
      NettyConfigKeys.DataStream.Client.setTlsConf(params, tls);
    }
  }

  static int port(String address) {
    return Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
  }

  /** The members (this one excluded) whose stream port accepts a connection within {@code timeoutMs}. */
  static List<Integer> reachable(RaftSettings s, int timeoutMs) {
    List<Integer> up = new ArrayList<>();
    for (RaftSettings.Peer p : s.peers()) {
      if (p.id() == s.selfId()) {
        continue;
      }
      String a = p.streamAddress();
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress(a.substring(0, a.lastIndexOf(':')), port(a)), timeoutMs);
        up.add(p.id());
      } catch (IOException e) {
        // down, or not yet listening
      }
    }
    return up;
  }

  /**
   * Streams {@code file} to this node and {@code others}, then commits {@code header}. Blocks the
   * caller while packets are sent; completes with the header's result.
   */
  static Result stream(RaftClient client, int self, List<Integer> others, int members, Command header, Path file)
      throws IOException {
    RoutingTable routes = others.size() == members - 1 ? null
        : RoutingTable.newBuilder().addSuccessors(RaftNode.peerId(self),
            others.stream().map(RaftNode::peerId).toList()).build();
    DataStreamOutput out = client.getDataStreamApi()
        .stream(ByteBuffer.wrap(CommandCodec.encode(header)), routes);
    try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
      List<CompletableFuture<?>> writes = new ArrayList<>();
      ByteBuffer buf = ByteBuffer.allocateDirect(PACKET);
      while (true) {
        buf.clear();
        int n = in.read(buf);
        if (n < 0) {
          break;
        }
        buf.flip();
        ByteBuffer packet = ByteBuffer.allocate(n).put(buf).flip();
        writes.add(out.writeAsync(packet, StandardWriteOption.FLUSH));
        // keep at most a few packets in flight
        if (writes.size() >= 8) {
          join(writes.remove(0));
        }
      }
      for (CompletableFuture<?> w : writes) {
        join(w);
      }
      var closed = join(out.writeAsync(ByteBuffer.allocate(0), StandardWriteOption.CLOSE));
      if (!closed.isSuccess()) {
        throw new IOException("the stream was not closed on every member: " + closed);
      }
      RaftClientReply reply = join(out.getRaftClientReplyFuture());
      if (!reply.isSuccess()) {
        throw new IOException("the stream's entry failed: " + reply.getException());
      }
      return ResultCodec.decode(reply.getMessage().getContent().toByteArray()).get(0);
    } catch (IOException | RuntimeException e) {
      out.closeAsync();
      throw e;
    }
  }

  private static <T> T join(CompletableFuture<T> f) throws IOException {
    try {
      return f.join();
    } catch (java.util.concurrent.CompletionException e) {
      Throwable c = ReplicationException.unwrap(e);
      throw c instanceof IOException io ? io : new IOException(String.valueOf(c.getMessage()), c);
    }
  }
}
