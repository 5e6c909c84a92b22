// sequence: a test workflow (workflows/testing/), the workflow of the crash tests. Calls a list of
// URLs in order, one durable sleep before each, so that a node can be killed between any two steps
// or with a request in flight; a counting HTTP server then checks that each URL was requested
// exactly once.
//
// Input: {"urls": ["http://...", ...], "sleep_ms": 50, "method": "GET"|"POST", "idempotent": true|false}
//   `sleep_ms` defaults to 0, `method` to GET; `idempotent` defaults to the SDK's rule (GET is,
//   POST is not). Every request is sent with the same method and flag, without a body.
//
// For URL i of n (counted from 1), always these four steps, so that step 4(i-1)+k is known:
//   progress((i-1)*100/n, "step i of n"), info("calling <url>"), sleep(sleep_ms) (durable, even
//   when 0), then the request. After the last, progress(100, "n of n done").
//
// Output: {"statuses": [200, ...], "n": n}, the statuses in order; set before a failure too, with
// the statuses so far.
//
// Failures (ABI version 2):
//   - a transport error or a status that is not 2xx fails the run retryably (plain fail: the job's
//     retry policy decides), e.g. `step 2 of 3: GET http://...: HTTP 503`;
//   - a request that comes back INTERRUPTED (not idempotent, in flight when the run's node died;
//     sending it again might do its work twice) fails the run terminally, naming the URL:
//     `step 2 of 3: POST http://...: interrupted by a crash and not idempotent: ...`;
//   - so do a DENIED request and invalid input: no other execution would do better.
import { Json, ErrorKind, Request, fail, failTerminal, info, input, outputJson, progress, sleep } from "../../sdk/assemblyscript/assembly";
export { mvmci_abi_v2 } from "../../sdk/assemblyscript/assembly";

export function run(): void {
  const given = Json.parse(input());
  if (given === null) {
    failTerminal("input is not valid JSON: " + Json.lastError);
    return;
  }
  const urls = given.get("urls");
  if (urls === null || !urls.isArray) {
    failTerminal("input must have \"urls\": an array of http(s) URLs");
    return;
  }
  const n = urls.length;
  const sleepMs = <i64>max(given.getNumber("sleep_ms", 0), 0);
  const method = given.getString("method", "GET");
  const idempotent = given.get("idempotent");

  const statuses = Json.array();
  for (let i = 0; i < n; i++) {
    const url = urls.at(i)!.asString("");
    const label = "step " + (i + 1).toString() + " of " + n.toString();
    progress(i * 100 / n, label);
    info("calling " + url);
    sleep(sleepMs);
    const request = new Request(method, url);
    if (idempotent !== null && idempotent.isBool) request.idempotent(idempotent.asBool(false));
    const r = request.send();
    const what = label + ": " + request.method + " " + url + ": ";
    const error = r.error;
    if (error !== null) {
      outputJson(summary(statuses, n));
      if (error.kind == ErrorKind.Transport) fail(what + error.toString());
      else failTerminal(what + error.toString());
      return;
    }
    const status = r.response!.status;
    statuses.push(Json.number(status));
    if (status < 200 || status >= 300) {
      outputJson(summary(statuses, n));
      fail(what + "HTTP " + status.toString());
      return;
    }
  }
  outputJson(summary(statuses, n));
  progress(100, n.toString() + " of " + n.toString() + " done");
}

function summary(statuses: Json, n: i32): Json {
  return Json.object().set("statuses", statuses).set("n", Json.number(n));
}
