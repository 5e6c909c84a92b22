// build: an example CI job. It fetches its sources over HTTP, "builds" them (here: one bundle with a
// header per source and a manifest of sizes), stores the bundle as an artifact, and reports progress
// as it goes (host ABI v4: workflows/README.md, "Artifacts (ABI v4)").
//
// Input: {"sources": ["https://example.com/a.txt", ...], "artifact": "bundle.txt"}
//   `sources` (required, 1-100 URLs) are fetched in order, each as an idempotent GET (a resumed run
//   sends again the one that was in flight). `artifact` (optional, default "bundle.txt") names it.
// Output: {"artifact": {"job_id", "name", "size", "sha256", "holders"}, "files": [{"url", "status", "bytes"}]}
// Fails terminally on input that is not what is described above, or when a source answers other
// than 2xx; retryably when a source cannot be reached.
//
// History: per source a progress report and an http_request; then artifact_close (the bundle is
// written in one chunk per source, so only one source is in memory at a time) and a log line.
import { Artifact, Json, Request, failTerminal, fail, info, input as inputText, outputJson, progress, quote } from "../sdk/assemblyscript/assembly";
export { mvmci_abi_v4 } from "../sdk/assemblyscript/assembly";

export function run(): void {
  const parsed = Json.parse(inputText());
  if (parsed === null || !parsed.isObject) { failTerminal("input must be a JSON object"); return; }
  const sources = parsed.get("sources");
  if (sources === null || !sources.isArray || sources.length == 0 || sources.length > 100) {
    failTerminal("\"sources\" must be an array of 1 to 100 URLs"); return;
  }
  const name = parsed.getString("artifact", "bundle.txt");
  const bundle = Artifact.open(name);
  if (bundle === null) { failTerminal("invalid artifact name: " + name); return; }
  const n = sources.length;
  let files = "";
  for (let i = 0; i < n; i++) {
    const item = sources.at(i);
    const url = item === null ? "" : item.asString("");
    if (url.length == 0) { failTerminal("\"sources\" must hold URLs (strings)"); return; }
    progress(<i32>(i * 90 / n), "fetching " + url);
    const r = Request.get(url).idempotent(true).send();
    if (!r.ok) { fail("fetching " + url + ": " + r.error!.toString()); return; }
    const res = r.response!;
    if (!res.ok) { failTerminal(url + " answered " + res.status.toString()); return; }
    if (!bundle.writeString("=== " + url + "\n" + res.body + "\n")) {
      failTerminal("the bundle is larger than the cluster's max_artifact_bytes"); return;
    }
    files += (i > 0 ? "," : "") + "{\"url\":" + quote(url) + ",\"status\":" + res.status.toString()
      + ",\"bytes\":" + String.UTF8.byteLength(res.body).toString() + "}";
  }
  progress(95, "storing " + name);
  const stored = bundle.close();
  if (!stored.ok) { failTerminal("storing " + name + ": " + stored.error!); return; }
  info("stored " + name);
  progress(100, "built");
  outputJson(Json.parse("{\"artifact\":" + stored.stored!.toString() + ",\"files\":[" + files + "]}")!);
}
