// Artifacts: host ABI version 4 (workflows/README.md, "Artifacts (ABI v4)").
//
// A workflow that calls anything here imports version 4's host functions, so it re-exports
// `mvmci_abi_v4`. An artifact is written in chunks (only the chunk is in the run's memory) and
// stored by `close`, the one step of the run's history: it returns once a majority of the cluster
// holds the bytes, and a replayed run gets the recorded answer without storing anything again.
import * as host from "./host";
import { Json } from "./json";
import { takeAll } from "./result";

/** What `close` (or `storeArtifact`) answers: the stored artifact, or why it was refused. */
export class ArtifactResult {
  constructor(public stored: Json | null, public error: string | null) {}
  get ok(): bool { return this.error === null; }
}

/** An artifact being written. */
export class Artifact {
  private constructor(private handle: i32, public name: string) {}

  /** Starts artifact `name` (1-255 characters, no '/', '\\' or control characters, not . or ..);
   *  null if the name is invalid or 16 artifacts are open already. */
  static open(name: string): Artifact | null {
    const buf = String.UTF8.encode(name);
    const h = host.artifact_open(changetype<usize>(buf), buf.byteLength);
    return h < 0 ? null : new Artifact(h, name);
  }

  /** Appends bytes; false if the artifact would pass the cluster's max_artifact_bytes. */
  write(bytes: ArrayBuffer): bool {
    return host.artifact_write(this.handle, changetype<usize>(bytes), bytes.byteLength) == 0;
  }

  /** Appends text as UTF-8. */
  writeString(text: string): bool {
    return this.write(String.UTF8.encode(text));
  }

  /** Stores the artifact; returns once a majority of the cluster holds it, or why it was refused. */
  close(): ArtifactResult {
    const code = host.artifact_close(this.handle);
    const answer = String.UTF8.decode(takeAll());
    if (code == 0) return new ArtifactResult(Json.parse(answer), null);
    return new ArtifactResult(null, code < 0 ? "artifact " + this.name + " is not open" : answer);
  }
}

/** Stores `bytes` as artifact `name` in one go (one chunk). */
export function storeArtifact(name: string, bytes: ArrayBuffer): ArtifactResult {
  const a = Artifact.open(name);
  if (a === null) return new ArtifactResult(null, "invalid artifact name: " + name);
  if (!a.write(bytes)) return new ArtifactResult(null, "artifact " + name + " is larger than max_artifact_bytes");
  return a.close();
}
