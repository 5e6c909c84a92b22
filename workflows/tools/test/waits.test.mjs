// ABI version 3 on the Node host: signals sent to the job, child jobs, and runs that wait (for a
// signal, a child, or a long sleep) and are resumed from their journal, through hostile/waits.wasm
// (the ABI v3 exerciser: one host call per line of its input, see waits.wat).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { runWorkflow } from '../run.mjs';

const WAITS = fileURLToPath(new URL('../../hostile/waits.wasm', import.meta.url));
const V2_IMPORTS_V3 = fileURLToPath(new URL('../../hostile/v2-imports-v3.wasm', import.meta.url));
const waits = (lines, options = {}) => runWorkflow(WAITS, { input: lines.join('\n'), virtualClock: 1_000, ...options });
const lines = (r) => r.output.replace(/\n$/, '').split('\n');

test('a signal that is there is taken: its payload, and two steps (the deadline, the signal)', async () => {
  const r = await waits(['a5000 approve'], { signals: [{ name: 'approve', payload: { by: 'ada' } }] });
  assert.equal(r.status, 'completed', r.error);
  assert.deepEqual(lines(r), ['a 0 {"by":"ada"}']);
  assert.deepEqual(r.journal.map((e) => [e.kind, e.request]), [['await_signal', 'wait approve 5000'], ['await_signal', 'take approve']]);
  assert.equal(r.journal[0].result, 6_000, 'the deadline: now + timeout');
  assert.deepEqual(r.signalsTaken, [{ name: 'approve', id: 1, payload: '{"by":"ada"}' }]);
});

test('signals of one name are taken in arrival order, each once; other names are left alone', async () => {
  const signals = [{ name: 'go', payload: 1 }, { name: 'other', payload: 2 }, { name: 'go', payload: 3 }];
  const r = await waits(['a0 go', 'a0 go', 'a0 go'], { signals });
  assert.deepEqual(lines(r), ['a 0 1', 'a 0 3', 'a 1 '], 'the third finds none and does not wait (timeout 0)');
});

test('with nothing to take, a wait without a timeout ends the run waiting; resumed once the signal came', async () => {
  const first = await waits(['t', 'a go', 't']);
  assert.deepEqual([first.status, first.waitingFor, first.wakeAt, first.signalsAfter], ['waiting', 'signal:go', -1, 0]);
  assert.deepEqual(first.journal.map((e) => e.kind), ['now_ms', 'await_signal'], 'the deadline is recorded, the take is not');
  const resumed = await waits(['t', 'a go', 't'], { journal: first.journal, signals: [{ name: 'go', payload: 'yes', id: 7 }], virtualClock: 50_000 });
  assert.equal(resumed.status, 'completed', resumed.error);
  assert.deepEqual(lines(resumed), ['t 1000', 'a 0 yes', 't 50000']);
  assert.equal(resumed.replayed, 2);
});

test('a timed wait longer than the threshold waits; resumed, it keeps its first deadline', async () => {
  const run = (options) => waits(['a60000 go'], { suspendAfterMs: 500, ...options });
  const first = await run({});
  assert.deepEqual([first.status, first.waitingFor, first.wakeAt], ['waiting', 'signal:go', 61_000]);
  const early = await run({ journal: first.journal, virtualClock: 30_000 });
  assert.deepEqual([early.status, early.wakeAt], ['waiting', 61_000], 'same deadline, not 30 s + 60 s');
  const late = await run({ journal: early.journal, virtualClock: 60_800 });
  assert.equal(late.status, 'completed', 'a remaining 200 ms is slept, then the wait times out');
  assert.deepEqual(lines(late), ['a 1 ']);
  assert.equal(late.clock, 61_000);
});

test('a resumed run takes the signal after the ones it took before, not one it took already', async () => {
  const signals = [{ name: 'go', payload: 'first' }];
  const first = await waits(['a go', 'a go'], { signals });
  assert.deepEqual([first.status, first.signalsAfter], ['waiting', 1]);
  const resumed = await waits(['a go', 'a go'], { journal: first.journal, signals: [...signals, { name: 'go', payload: 'second' }] });
  assert.deepEqual(lines(resumed), ['a 0 first', 'a 0 second']);
  assert.deepEqual(resumed.signalsTaken.map((s) => s.payload), ['second'], 'the first was replayed, not taken again');
});

test('an invalid signal name traps', async () => {
  const r = await waits(['a0 no spaces']);
  assert.equal(r.status, 'failed');
  assert.match(r.error, /^trap: await_signal: a signal name is 1-128 letters/);
});

test('spawn_job answers an id and records the request; a refusal answers 1 with the reason', async () => {
  const r = await waits(['j {"workflow":"echo","input":{"n":1},"detached":true}', 'j {"workflow":"nope"}', 'j {"workflow":"echo","idempotency_key":"k"}'],
    { workflows: ['echo'] });
  assert.deepEqual(lines(r), ['j 0 {"job_id":"job-1"}', 'j 1 unknown workflow: nope',
    'j 1 "idempotency_key" is set by the host (from the run\'s step)']);
  assert.deepEqual(r.spawned, [{ step: 0, request: { workflow: 'echo', input: { n: 1 }, detached: true }, job_id: 'job-1' }]);
});

test('spawn_job happens once however the run crashes: a resumed run replays the child id', async () => {
  const input = ['j {"workflow":"echo"}', 'j {"workflow":"echo"}'];
  for (let step = 0; step < 2; step++) {
    const first = await waits(input, { crash: { step, when: 'after' } });
    assert.equal(first.status, 'crashed');
    const resumed = await waits(input, { journal: first.journal });
    assert.deepEqual(lines(resumed), ['j 0 {"job_id":"job-1"}', 'j 0 {"job_id":"job-2"}']);
    assert.equal(first.spawned.length + resumed.spawned.length, 2, `crash after step ${step}: each child spawned once`);
  }
});

test('await_job waits for a child without an outcome, answers one that has, and refuses a stranger', async () => {
  const input = ['j {"workflow":"echo"}', 'k job-1', 'k job-7'];
  const first = await waits(input);
  assert.deepEqual([first.status, first.waitingFor, first.wakeAt], ['waiting', 'job:1', -1]);
  assert.deepEqual(first.journal.map((e) => e.kind), ['spawn_job']);
  const resumed = await waits(input, { journal: first.journal, jobs: { 'job-1': { status: 'Completed', output: { n: 2 } } } });
  assert.equal(resumed.status, 'completed', resumed.error);
  assert.deepEqual(lines(resumed).slice(1), ['k 0 {"job_id":"job-1","status":"Completed","output":{"n":2}}',
    'k -1 {"job_id":"job-7","error":"job-7 is not a child of this job"}']);
  assert.deepEqual(resumed.spawned, [], 'replayed, not spawned again');
});

test('a sleep longer than the threshold waits for a timer; resumed after its wake time, it does not sleep', async () => {
  const first = await waits(['s60000', 't'], { suspendAfterMs: 500 });
  assert.deepEqual([first.status, first.waitingFor, first.wakeAt], ['waiting', 'timer', 61_000]);
  const resumed = await waits(['s60000', 't'], { journal: first.journal, suspendAfterMs: 500, virtualClock: 61_500 });
  assert.deepEqual([resumed.status, resumed.sleptMs], ['completed', 0]);
  assert.deepEqual(lines(resumed), ['s', 't 61500']);
});

test('a version 2 module that imports a version 3 function is refused', async () => {
  const r = await runWorkflow(V2_IMPORTS_V3);
  assert.deepEqual([r.status, r.error], ['invalid', 'import mvmci.await_signal needs ABI version 3: export mvmci_abi_v3 instead of mvmci_abi_v2']);
});
