// The host of ABI versions 1 to 3, run in a worker thread so that host calls can block: the
// guest's http_request is sent by the main thread (run.mjs) while this thread waits on a
// SharedArrayBuffer. The journal (a run's history, kept in memory here) and its replay follow
// workflows/README.md, "History and replay". Version 3's cluster (signals sent to the job, child
// jobs and their outcomes) is simulated from what the test hands run.mjs: see "Signals and child jobs".
import { parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';

const LIMITS = { output: 1 << 20, log: 8 << 10, progress: 1 << 10, fail: 8 << 10, random: 64 << 10, spawn: 1 << 20 };
const HTTP_ERRORS = { TRANSPORT: -1, INTERRUPTED: -2, DENIED: -3 };

class Failed extends Error {    // the guest called fail or fail_with, or the host failed the run
  constructor(message, terminal = false) { super(message); this.terminal = terminal; }
}
class Crashed extends Error {}  // a simulated process death (options.crash)
class Suspended extends Error { // the run must wait (ABI v3, or a long sleep) and gives its thread back
  constructor(waitingFor, wakeAt, signalsAfter = 0) {
    super(`waiting for ${waitingFor}`);
    Object.assign(this, { waitingFor, wakeAt, signalsAfter });
  }
}

const { module, input, journal: recorded, crash, virtualClock, httpPort, signal } = workerData;
const { signals = [], jobs = {}, workflows = null } = workerData;
const suspendAfterMs = workerData.suspendAfterMs ?? Infinity;
const journal = recorded.map((e) => ({ ...e }));
const wake = new Int32Array(signal);
const enc = new TextEncoder();
const dec = new TextDecoder();
const events = { logs: [], progress: [], sleptMs: 0, httpSent: 0, replayed: 0, spawned: [], signalsTaken: [] };
/** Per signal name, the id of the last signal this execution took (rebuilt as the run replays). */
const lastSignal = new Map();
/** The queued signals, in arrival order, with their ids (1, 2, ... unless the test gave ids). */
const queued = signals.map((s, i) => ({
  id: s.id ?? i + 1, name: s.name, payload: typeof s.payload === 'string' ? s.payload : JSON.stringify(s.payload ?? null),
}));
const SIGNAL_NAME = /^[A-Za-z0-9._:-]{1,128}$/;
const SPAWN_FIELDS = new Set(['workflow', 'input', 'priority', 'max_attempts', 'timeout_ms', 'run_at', 'module_sha256', 'detached']);
let clock = virtualClock ?? null; // virtual time: sleeps advance it instead of blocking
let resultBuffer = new Uint8Array(0);
let output = null;
let memory;
let step = 0;

const now = () => (clock === null ? Date.now() : clock);
const bytes = (ptr, len) => {
  if (ptr < 0 || len < 0 || ptr + len > memory.buffer.byteLength) throw new WebAssembly.RuntimeError('out of bounds memory access');
  return new Uint8Array(memory.buffer, ptr, len);
};
const text = (ptr, len, max = Infinity) => dec.decode(bytes(ptr, Math.min(len, max)));
const setResult = (data) => { resultBuffer = typeof data === 'string' ? enc.encode(data) : data; return resultBuffer.length; };

function sleep(ms) {
  if (ms <= 0) return;
  events.sleptMs += ms;
  if (clock !== null) clock += ms;
  else Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * One journaled call. The step is journaled as started, then `perform(entry)` does the side
 * effect and its result is recorded. A replayed step returns the recorded result instead; a step
 * the journal shows started but not finished (the process died inside `perform`) is handed to
 * `inflight()` (http only), whose result is recorded.
 */
function journaled(kind, request, perform, { inflight = null } = {}) {
  const k = step++;
  const entry = journal[k];
  if (entry) {
    if (entry.kind !== kind || entry.request !== request) {
      throw new Failed(`non-deterministic workflow: step ${k}: journal has ${entry.kind} ${entry.request}, run called ${kind} ${request}`);
    }
    if ('result' in entry) { events.replayed++; return { replayed: true, result: entry.result }; }
    // Started but never finished: the process died while the request was in flight.
    if (!inflight) throw new Error(`journal step ${k} (${kind}) has no result`);
    entry.result = inflight();
    return { replayed: false, result: entry.result };
  }
  if (crash && crash.step === k && crash.when === 'before') throw new Crashed(`crash before step ${k}`);
  const fresh = { step: k, kind, request };
  journal[k] = fresh;
  const result = perform(fresh);
  fresh.result = result;
  if (crash && crash.step === k && crash.when === 'after') throw new Crashed(`crash after step ${k}`);
  return { replayed: false, result };
}

/** Sends a request through the main thread and blocks until its answer. */
function fetchSync(request) {
  Atomics.store(wake, 0, 0);
  httpPort.postMessage(request);
  Atomics.wait(wake, 0, 0);
  events.httpSent++;
  return receiveMessageOnPort(httpPort).message;
}

function httpRequest(ptr, len, flags) {
  const raw = text(ptr, len);
  const idempotent = (flags & 1) === 1;
  let req;
  try {
    req = JSON.parse(raw);
    if (typeof req !== 'object' || req === null || Array.isArray(req)) throw new Error('not a JSON object');
    if (typeof req.url !== 'string') throw new Error('"url" must be a string');
    if (req.method !== undefined && typeof req.method !== 'string') throw new Error('"method" must be a string');
    if (req.body !== undefined && typeof req.body !== 'string') throw new Error('"body" must be a string');
    if (req.body !== undefined && /^(GET|HEAD)$/i.test(req.method ?? 'GET')) throw new Error('a GET or HEAD request has no body');
    if (req.timeout_ms !== undefined && typeof req.timeout_ms !== 'number') throw new Error('"timeout_ms" must be a number');
    for (const v of Object.values(req.headers ?? {})) if (typeof v !== 'string') throw new Error('header values must be strings');
    const scheme = new URL(req.url).protocol;
    if (scheme !== 'http:' && scheme !== 'https:') throw new Error(`only http and https URLs are allowed, not ${scheme}`);
  } catch (e) {
    return { code: HTTP_ERRORS.DENIED, body: e.message };
  }
  const send = () => fetchSync({
    method: req.method ?? 'GET', url: req.url, headers: req.headers ?? {}, body: req.body,
    timeoutMs: Math.min(req.timeout_ms ?? 10000, 60000),
  });
  const { result } = journaled('http_request', raw, (entry) => {
    if (crash && crash.step === entry.step && crash.when === 'inflight') { send(); throw new Crashed(`crash with step ${entry.step} in flight`); }
    return send();
  }, {
    inflight: () => (idempotent ? send() : { code: HTTP_ERRORS.INTERRUPTED, body: "the request was in flight when the run crashed and is not idempotent" }),
  });
  return result;
}

/** A child job request's problem, as the host would refuse it, or null. */
function refusal(raw) {
  let req;
  try { req = JSON.parse(raw); } catch (e) { return `the request is not JSON: ${e.message}`; }
  if (typeof req !== 'object' || req === null || Array.isArray(req)) return 'the request must be a JSON object';
  for (const field of Object.keys(req)) {
    if (field === 'idempotency_key') return '"idempotency_key" is set by the host (from the run\'s step)';
    if (!SPAWN_FIELDS.has(field)) return `unknown field "${field}"`;
  }
  if (typeof req.workflow !== 'string' || req.workflow.length === 0) return '"workflow" must name a workflow';
  if (workflows !== null && !workflows.includes(req.workflow)) return `unknown workflow: ${req.workflow}`;
  if (req.input !== undefined && (typeof req.input !== 'object' || req.input === null || Array.isArray(req.input))) return '"input" must be a JSON object';
  for (const f of ['priority', 'max_attempts', 'timeout_ms']) {
    if (req[f] !== undefined && !Number.isInteger(req[f])) return `"${f}" must be a whole number`;
  }
  for (const f of ['run_at', 'module_sha256']) if (req[f] !== undefined && typeof req[f] !== 'string') return `"${f}" must be a string`;
  if (req.detached !== undefined && typeof req.detached !== 'boolean') return '"detached" must be true or false';
  return null;
}

/** The children this run spawned, by id (from its journal: replayed and new spawn_job steps alike). */
const children = () => journal.filter((e) => e && e.kind === 'spawn_job' && e.result && e.result.code === 0)
  .map((e) => JSON.parse(e.result.body).job_id);

function awaitSignal(ptr, len, timeoutMs) {
  const name = text(ptr, len, 129);
  if (!SIGNAL_NAME.test(name)) {
    throw new WebAssembly.RuntimeError(`await_signal: a signal name is 1-128 letters, digits, '.', '_', ':' or '-', not "${name}"`);
  }
  const t = Number(timeoutMs);
  // Step 1: the wait's deadline, recorded the first time (a resumed run keeps it).
  const { result: deadline } = journaled('await_signal', `wait ${name} ${t}`, () => (t < 0 ? -1 : now() + t));
  // Step 2: the signal taken, or the timeout. Found before the step is recorded; a wait suspends unrecorded.
  let found = null;
  if (!journal[step]) {
    const after = lastSignal.get(name) ?? 0;
    for (;;) {
      found = queued.find((s) => s.name === name && s.id > after) ?? null;
      if (found) break;
      const left = deadline < 0 ? Infinity : deadline - now();
      if (left <= 0) break;
      if (deadline < 0 || left > suspendAfterMs) throw new Suspended(`signal:${name}`, deadline, after);
      sleep(left);
    }
  }
  const { result } = journaled('await_signal', `take ${name}`, () => {
    if (!found) return { code: 1, id: 0, payload: '' };
    events.signalsTaken.push({ name, id: found.id, payload: found.payload });
    return { code: 0, id: found.id, payload: found.payload };
  });
  if (result.code === 0) lastSignal.set(name, result.id);
  setResult(result.payload);
  return result.code;
}

function spawnJob(ptr, len) {
  if (len > LIMITS.spawn) throw new WebAssembly.RuntimeError(`spawn_job: a request is at most ${LIMITS.spawn} bytes`);
  const raw = text(ptr, len);
  const { result } = journaled('spawn_job', raw, (entry) => {
    const why = refusal(raw);
    if (why !== null) return { code: 1, body: why };
    const jobId = `job-${children().length + 1}`;
    events.spawned.push({ step: entry.step, request: JSON.parse(raw), job_id: jobId });
    return { code: 0, body: JSON.stringify({ job_id: jobId }) };
  });
  setResult(result.body);
  return result.code;
}

const JOB_CODES = { Completed: 0, Failed: 1, Cancelled: 2 };

function awaitJob(ptr, len) {
  const id = text(ptr, len, 100);
  const outcome = () => {
    if (!children().includes(id)) return { code: -1, body: JSON.stringify({ job_id: id, error: `${id} is not a child of this job` }) };
    const { status, output, error } = jobs[id];
    if (!(status in JOB_CODES)) throw new Error(`jobs["${id}"].status must be Completed, Failed or Cancelled, not ${status}`);
    const answer = { job_id: id, status };
    if (output !== undefined) answer.output = output;
    if (status !== 'Completed') answer.error = error ?? status.toLowerCase();
    return { code: JOB_CODES[status], body: JSON.stringify(answer) };
  };
  // A child with no outcome yet: the run waits for it, and the step is not recorded.
  if (!journal[step] && children().includes(id) && !(id in jobs)) throw new Suspended(`job:${id.replace(/^job-/, '')}`, -1);
  const { result } = journaled('await_job', id, outcome);
  setResult(result.body);
  return result.code;
}

const imports = {
  mvmci: {
    result_read(ptr, len) {
      const n = Math.max(0, Math.min(len, resultBuffer.length));
      bytes(ptr, n).set(resultBuffer.subarray(0, n));
      return n;
    },
    input: () => setResult(input),
    output(ptr, len) {
      if (len > LIMITS.output) throw new Failed(`output exceeds ${LIMITS.output} bytes`);
      output = bytes(ptr, len).slice();
    },
    log(level, ptr, len) {
      const msg = text(ptr, len, LIMITS.log);
      journaled('log', `${level} ${msg}`, (e) => { events.logs.push({ level, msg, step: e.step }); return null; });
    },
    progress(percent, ptr, len) {
      const p = Math.max(0, Math.min(100, percent));
      const msg = text(ptr, len, LIMITS.progress);
      journaled('progress', `${p} ${msg}`, (e) => { events.progress.push({ percent: p, msg, step: e.step }); return null; });
    },
    http_request(ptr, len, flags) {
      const { code, body } = httpRequest(ptr, len, flags);
      const n = setResult(body);
      return code ?? n;
    },
    now_ms: () => BigInt(journaled('now_ms', '', () => now()).result),
    random_fill(ptr, len) {
      if (len > LIMITS.random) throw new WebAssembly.RuntimeError(`random_fill of ${len} bytes exceeds ${LIMITS.random}`);
      const target = bytes(ptr, len);
      const { result } = journaled('random_fill', String(len), () => Buffer.from(crypto.getRandomValues(new Uint8Array(len))).toString('base64'));
      target.set(Buffer.from(result, 'base64'));
    },
    sleep_ms(ms) {
      const duration = Math.max(0, Number(ms));
      const { result: wakeAt } = journaled('sleep_ms', String(duration), () => now() + duration);
      if (wakeAt - now() > suspendAfterMs) throw new Suspended('timer', wakeAt);
      sleep(wakeAt - now());
    },
    fail(ptr, len) {
      const msg = text(ptr, len, LIMITS.fail);
      journaled('fail', msg, () => null);
      throw new Failed(msg);
    },
    // ABI v2 (checkModule refuses it in a v1 module): flag 1 marks the failure terminal.
    fail_with(ptr, len, flags) {
      const msg = text(ptr, len, LIMITS.fail);
      journaled('fail_with', `${flags} ${msg}`, () => null);
      throw new Failed(msg, (flags & 1) === 1);
    },
    // ABI v3 (checkModule refuses them in a module of an earlier version).
    await_signal: awaitSignal,
    spawn_job: spawnJob,
    await_job: awaitJob,
  },
};

let outcome;
try {
  const instance = new WebAssembly.Instance(module, imports);
  memory = instance.exports.memory;
  instance.exports._initialize?.();
  instance.exports.run();
  outcome = { status: 'completed' };
} catch (e) {
  if (e instanceof Crashed) outcome = { status: 'crashed', error: e.message };
  else if (e instanceof Suspended) outcome = { status: 'waiting', waitingFor: e.waitingFor, wakeAt: e.wakeAt, signalsAfter: e.signalsAfter };
  else if (e instanceof Failed) outcome = { status: 'failed', error: e.message, terminal: e.terminal };
  else if (e instanceof WebAssembly.RuntimeError) outcome = { status: 'failed', error: `trap: ${e.message}` };
  else outcome = { status: 'failed', error: `host error: ${e.stack ?? e}` };
}
parentPort.postMessage({ ...outcome, output, journal, ...events, clock });
