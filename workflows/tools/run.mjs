#!/usr/bin/env node
// A second implementation of the host ABI, versions 1 to 3 (workflows/README.md), in Node.js:
// runs a workflow module with real HTTP (fetch), a journal, replay, and simulated crashes. A dev
// tool for checking guests without the Java engine, and a cross-check of the ABI document.
// Version 3's cluster is simulated: the signals sent to the job and the outcomes of its children
// are given up front, spawned children get ids job-1, job-2, ... and are only recorded, and a run
// that would wait (for a signal, a child, or a long sleep) ends `waiting`, to be resumed with its
// journal as a node would resume it.
//
//   node workflows/tools/run.mjs MODULE.wasm ['{"url": "https://example.com"}'] [--virtual-clock]
//       [--signal=NAME=JSON]... [--job=job-1=Completed[=OUTPUT_JSON]]... [--suspend-after-ms=N]
//   node workflows/tools/run.mjs --check MODULE.wasm...
//
// The output goes to stdout, logs and progress to stderr; the exit status is 0 for a completed
// run, 1 for a failed one, 2 for a module that is not a valid workflow, 3 for a run that waits.
import { readFileSync } from 'node:fs';
import { MessageChannel, Worker } from 'node:worker_threads';
import { checkModule } from './abi.mjs';

/** Response bodies are cut here, as the Java host cuts them (so that their JSON fits one step). */
const BODY_MAX = 1 << 20;

/**
 * Runs one attempt of a workflow.
 *
 * @param wasm        path or bytes of the module
 * @param input       the job's input (string or bytes)
 * @param journal     the journal of an earlier attempt of the same run, to resume it
 * @param crash       {step, when: 'before' | 'after' | 'inflight'}: simulate the process dying
 *                    at that journal step ('inflight': an http_request sent, its result not recorded)
 * @param virtualClock a start time (ms): now_ms reads it and sleep_ms advances it without waiting
 * @param timeoutMs   the run's wall-clock limit
 * @param signals     ABI v3: the signals sent to the job, in arrival order: [{name, payload, id?}]
 *                    (payload: JSON text, or a value to stringify; ids 1, 2, ... unless given). Each
 *                    execution takes them in order, each at most once.
 * @param jobs        ABI v3: the outcomes of the job's children by id, {"job-1": {status:
 *                    'Completed'|'Failed'|'Cancelled', output?, error?}}; a child that has none is
 *                    still running, and a run that awaits it waits
 * @param workflows   ABI v3: the workflows spawn_job may name (any, when not given)
 * @param suspendAfterMs the node's suspension threshold: a sleep or a timed signal wait with more
 *                    left than this ends the run `waiting` (default: never; a wait for a signal
 *                    without a timeout, or for a running child, always does)
 * @returns {status: 'completed'|'failed'|'crashed'|'waiting', error?, terminal? (a failure by
 *           fail_with with the terminal flag: the job would not be retried), waitingFor?
 *           ('timer', 'signal:NAME', 'job:N'), wakeAt? (epoch ms, -1 for never), signalsAfter? (the
 *           id of the last signal of that name taken), output (string|null), outputBytes, logs,
 *           progress, journal, httpSent, replayed, sleptMs, clock, spawned ([{step, request, job_id}],
 *           new spawns only), signalsTaken ([{name, id, payload}], new takes only)}
 */
export async function runWorkflow(wasm, {
  input = '', journal = [], crash, virtualClock, timeoutMs = 300_000, signals = [], jobs = {}, workflows = null,
  suspendAfterMs,
} = {}) {
  const bytes = typeof wasm === 'string' ? readFileSync(wasm) : wasm;
  const problems = checkModule(bytes);
  if (problems.length > 0) return { status: 'invalid', error: problems.join('; ') };
  const module = new WebAssembly.Module(bytes);
  const signal = new SharedArrayBuffer(4);
  const { port1, port2 } = new MessageChannel();
  port1.on('message', async (request) => {
    port1.postMessage(await send(request));
    const wake = new Int32Array(signal);
    Atomics.store(wake, 0, 1);
    Atomics.notify(wake, 0);
  });
  const worker = new Worker(new URL('./guest-host.mjs', import.meta.url), {
    workerData: {
      module, input: typeof input === 'string' ? new TextEncoder().encode(input) : input,
      journal, crash, virtualClock, httpPort: port2, signal, signals, jobs, workflows, suspendAfterMs,
    },
    transferList: [port2],
  });
  let timer;
  try {
    return await new Promise((resolve, reject) => {
      timer = setTimeout(() => {
        worker.terminate();
        resolve({ status: 'failed', error: `timed out after ${timeoutMs / 1000} s`, journal });
      }, timeoutMs);
      worker.once('message', (r) => resolve({
        ...r, outputBytes: r.output, output: r.output === null ? null : new TextDecoder().decode(r.output),
      }));
      worker.once('error', reject);
    });
  } finally {
    clearTimeout(timer);
    port1.close();
    await worker.terminate();
  }
}

/** Performs a request for the guest; returns {body} (the response JSON) or {code, body} (an error). */
async function send({ method, url, headers, body, timeoutMs }) {
  try {
    const res = await fetch(url, { method, headers, body, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
    const responseHeaders = {};
    res.headers.forEach((value, name) => {
      responseHeaders[name] = name in responseHeaders ? `${responseHeaders[name]}, ${value}` : value;
    });
    const chunks = [];
    let size = 0;
    if (res.body) {
      for await (const chunk of res.body) {
        chunks.push(chunk);
        size += chunk.length;
        if (size > BODY_MAX) break;
      }
    }
    const all = Buffer.concat(chunks);
    const truncated = all.length > BODY_MAX;
    const response = { status: res.status, headers: responseHeaders, body: new TextDecoder().decode(all.subarray(0, BODY_MAX)) };
    if (truncated) response.truncated = true;
    return { body: JSON.stringify(response) };
  } catch (e) {
    const reason = e.name === 'TimeoutError' ? `timed out after ${timeoutMs} ms` : (e.cause?.message ?? e.message);
    return { code: -1, body: `${method} ${url}: ${reason}` };
  }
}

async function main(args) {
  if (args[0] === '--check') {
    let bad = 0;
    for (const path of args.slice(1)) {
      const problems = checkModule(readFileSync(path));
      console.log(`${path}: ${problems.length === 0 ? 'ok' : problems.join('; ')}`);
      if (problems.length > 0) bad++;
    }
    return bad === 0 ? 0 : 2;
  }
  const flags = args.filter((a) => a.startsWith('--'));
  const [path, input = ''] = args.filter((a) => !a.startsWith('--'));
  if (!path) {
    console.error('usage: run.mjs MODULE.wasm [INPUT] [--virtual-clock] [--signal=NAME=JSON]... '
      + '[--job=ID=STATUS[=OUTPUT_JSON]]... [--suspend-after-ms=N] | run.mjs --check MODULE.wasm...');
    return 2;
  }
  const values = (flag) => flags.filter((f) => f.startsWith(`--${flag}=`)).map((f) => f.slice(flag.length + 3));
  const signals = values('signal').map((v) => ({ name: v.slice(0, v.indexOf('=')), payload: v.slice(v.indexOf('=') + 1) }));
  const jobs = Object.fromEntries(values('job').map((v) => {
    const [id, status, ...output] = v.split('=');
    return [id, output.length > 0 ? { status, output: JSON.parse(output.join('=')) } : { status }];
  }));
  const [suspend] = values('suspend-after-ms');
  const result = await runWorkflow(path, {
    input, virtualClock: flags.includes('--virtual-clock') ? Date.now() : undefined, signals, jobs,
    suspendAfterMs: suspend === undefined ? undefined : Number(suspend),
  });
  for (const { level, msg } of result.logs ?? []) console.error(`[${['debug', 'info', 'warn', 'error'][level] ?? level}] ${msg}`);
  for (const { percent, msg } of result.progress ?? []) console.error(`[progress ${percent}%] ${msg}`);
  if (result.output !== null && result.output !== undefined) console.log(result.output);
  for (const { request, job_id: id } of result.spawned ?? []) console.error(`[spawned ${id}] ${JSON.stringify(request)}`);
  if (result.status === 'waiting') {
    console.error(`waiting for ${result.waitingFor}${result.wakeAt >= 0 ? ` until ${new Date(result.wakeAt).toISOString()}` : ''}`);
  } else if (result.status !== 'completed') console.error(`${result.status}${result.terminal ? ' (terminal)' : ''}: ${result.error}`);
  return { completed: 0, failed: 1, invalid: 2, waiting: 3 }[result.status] ?? 1;
}

if (import.meta.url === `file://${process.argv[1]}`) process.exitCode = await main(process.argv.slice(2));
