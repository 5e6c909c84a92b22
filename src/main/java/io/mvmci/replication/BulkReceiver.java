package io.mvmci.replication;

import io.mvmci.command.Command;
import java.io.IOException;
import java.nio.channels.WritableByteChannel;

/**
 * Where this member keeps the bytes of a DataStream (artifact/DESIGN.md): Ratis hands each member
 * the stream's header, a command, and then its packets. Threading: one stream's packets arrive in
 * order on Ratis's write threads; streams run concurrently.
 */
public interface BulkReceiver {
  /** No receiver: every stream is refused (a node without artifacts). */
  BulkReceiver NONE = header -> {
    throw new IOException("this node takes no streams");
  };

  /** Opens this member's copy of a stream whose header is {@code header}; refuses headers it does not know. */
  Write open(Command header) throws IOException;

  /** One member's copy. {@link #close()} verifies it (size, hash) and publishes it, or throws. */
  interface Write extends WritableByteChannel {
    /** The stream failed or was dropped: delete what was written. Idempotent. */
    void abort();
  }
}
