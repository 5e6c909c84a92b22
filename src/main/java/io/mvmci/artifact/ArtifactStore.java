package io.mvmci.artifact;

import io.mvmci.command.RecordArtifact;
import io.mvmci.command.Result;
import io.mvmci.store.ArtifactQueries;
import java.io.IOException;
import java.io.InputStream;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Where artifacts' bytes are kept (DESIGN.md): every member's disk by Ratis DataStream ({@link
 * NodeStore}, {@code nodes:1,2,3}) or an S3-compatible bucket ({@link S3Store}, {@code s3:bucket/key}).
 * Either way the metadata is one {@link RecordArtifact} in the log, written only once the bytes are
 * durable where the store keeps them.
 */
interface ArtifactStore {
  /** Where the bytes went and what apply answered to the entry that records them. */
  record Kept(String holders, Result result) {}

  /**
   * Makes the spooled bytes durable, then has the entry {@code header(holders)} committed and applied.
   * Throws {@link ArtifactException} (503: the cluster or 502: the store cannot take them now).
   */
  Kept keep(BlobStore.Spooled s, Function<String, RecordArtifact> header) throws IOException;

  /** Whether this store keeps the bytes of a row whose {@code holders} is this. */
  boolean keeps(String holders);

  /** Makes sure a download of the row can start (fetching or checking its bytes), or throws. */
  void ready(ArtifactQueries.Row row) throws IOException;

  /** The row's bytes from {@code offset} to the end. */
  InputStream open(ArtifactQueries.Row row, long offset) throws IOException;

  /**
   * Deletes the bytes that {@code referenced} (by SHA-256) says no artifact refers to and that were
   * written longer than {@code graceMs} ago; returns how many went.
   */
  int sweep(Predicate<String> referenced, long graceMs, long nowMs) throws IOException;
}
