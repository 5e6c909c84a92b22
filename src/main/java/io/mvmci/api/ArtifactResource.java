package io.mvmci.api;

import io.mvmci.artifact.ArtifactService;
import io.mvmci.store.ArtifactQueries;
import java.io.IOException;
import java.io.InputStream;
import org.springframework.core.io.AbstractResource;

/**
 * An artifact's bytes as Spring serves a {@code Resource}, with {@code Range}: its length is the row's,
 * and its stream opens lazily, so the skip Spring does to a range's start moves where the read begins
 * (a ranged GET from S3, a seek in a blob file) instead of reading the bytes before it.
 */
final class ArtifactResource extends AbstractResource {
  private final ArtifactService artifacts;
  private final ArtifactQueries.Row row;

  ArtifactResource(ArtifactService artifacts, ArtifactQueries.Row row) {
    this.artifacts = artifacts;
    this.row = row;
  }

  @Override
  public String getDescription() {
    return "artifact " + row.name() + " (" + row.holders() + ")";
  }

  @Override
  public boolean exists() {
    return true;
  }

  @Override
  public long contentLength() {
    return row.size();
  }

  @Override
  public String getFilename() {
    return null;
  }

  @Override
  public InputStream getInputStream() {
    return new Lazy();
  }

  /** Opens the bytes at the first read, from where the skips before it got to. */
  private final class Lazy extends InputStream {
    private long offset;
    private InputStream in;

    private InputStream in() throws IOException {
      if (in == null) {
        in = artifacts.open(row, offset);
      }
      return in;
    }

    @Override
    public long skip(long n) throws IOException {
      if (in != null) {
        return in.skip(n);
      }
      long skipped = Math.max(0, Math.min(n, row.size() - offset));
      offset += skipped;
      return skipped;
    }

    @Override
    public int read() throws IOException {
      return in().read();
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      return in().read(b, off, len);
    }

    @Override
    public void close() throws IOException {
      if (in != null) {
        in.close();
      }
    }
  }
}
