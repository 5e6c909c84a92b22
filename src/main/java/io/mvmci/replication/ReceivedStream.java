package io.mvmci.replication;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import org.apache.ratis.statemachine.StateMachine.DataChannel;
import org.apache.ratis.statemachine.StateMachine.DataStream;

/**
 * One member's copy of a DataStream, as {@link QueueStateMachine#stream} hands it to Ratis: the bytes
 * go to the {@link BulkReceiver.Write} this member opened for the stream's header, which syncs on close.
 */
record ReceivedStream(BulkReceiver.Write write) implements DataStream {
  @Override
  public DataChannel getDataChannel() {
    return new DataChannel() {
      @Override
      public void force(boolean metadata) {
        // the receiver syncs on close
      }

      @Override
      public int write(java.nio.ByteBuffer src) throws IOException {
        return write.write(src);
      }

      @Override
      public boolean isOpen() {
        return write.isOpen();
      }

      @Override
      public void close() throws IOException {
        write.close();
      }
    };
  }

  @Override
  public CompletableFuture<?> cleanUp() {
    write.abort();
    return CompletableFuture.completedFuture(null);
  }
}
