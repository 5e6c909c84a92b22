// The example workflows of ABI version 3 and schedules on the Node host: approval and fanout (each in
// AssemblyScript and in Rust, -rs: the twins behave alike) and nightly.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { runWorkflow } from '../run.mjs';
import { serve, workflow } from './util.mjs';

const APPROVALS = ['approval', 'approval-rs'];
const FANOUTS = ['fanout', 'fanout-rs'];
const decision = (payload, id) => ({ name: 'decision', payload, ...(id ? { id } : {}) });

for (const name of APPROVALS) {
  const approval = (input, options = {}) => runWorkflow(workflow(name), { input: JSON.stringify(input), virtualClock: 10_000, ...options });

  test(`${name}: approved by a decision signal`, async () => {
    const r = await approval({ subject: 'deploy 1.4' }, { signals: [decision({ approved: true, by: 'ada', comment: 'go' })] });
    assert.equal(r.status, 'completed', r.error);
    assert.deepEqual(JSON.parse(r.output), { subject: 'deploy 1.4', approved: true, by: 'ada', comment: 'go', waited_ms: 0, ignored: 0 });
    assert.deepEqual(r.logs.map((l) => l.msg), ['waiting for a decision on deploy 1.4', 'approved by ada']);
  });

  test(`${name}: a rejection fails terminally, naming who and why`, async () => {
    const r = await approval({}, { signals: [decision({ approved: false, by: 'bob', comment: 'not on a Friday' })] });
    assert.deepEqual([r.status, r.terminal, r.error], ['failed', true, 'rejected by bob: not on a Friday']);
    assert.equal(JSON.parse(r.output).approved, false);
  });

  test(`${name}: no decision in time fails terminally`, async () => {
    const r = await approval({ timeout_ms: 5_000 });
    assert.deepEqual([r.status, r.terminal, r.error], ['failed', true, 'no decision within 5000 ms']);
    assert.deepEqual(JSON.parse(r.output), { subject: '', approved: false, by: null, comment: null, waited_ms: 5_000, ignored: 0 });
  });

  test(`${name}: waits without a slot until the decision comes; the deadline holds across resumes`, async () => {
    const input = { subject: 'x', timeout_ms: 3_600_000 };
    const first = await approval(input, { suspendAfterMs: 500 });
    assert.deepEqual([first.status, first.waitingFor, first.wakeAt], ['waiting', 'signal:decision', 3_610_000]);
    const again = await approval(input, { suspendAfterMs: 500, journal: first.journal, virtualClock: 1_000_000 });
    assert.deepEqual([again.status, again.wakeAt], ['waiting', 3_610_000]);
    const decided = await approval(input, {
      suspendAfterMs: 500, journal: again.journal, virtualClock: 2_000_000, signals: [decision({ approved: true, by: 'ada' })],
    });
    assert.equal(decided.status, 'completed', decided.error);
    assert.equal(JSON.parse(decided.output).waited_ms, 1_990_000);
    assert.equal(decided.logs.length + first.logs.length, 2, 'each log line once');
  });

  test(`${name}: ignores decisions that are malformed or by someone not listed, in arrival order`, async () => {
    const signals = [decision({ approved: true, by: 'eve' }), decision({ approved: 'yes', by: 'ada' }), decision({ approved: true, by: 'ada' }), decision({ approved: false, by: 'ada' })];
    const r = await approval({ approvers: ['ada', 'bob'] }, { signals });
    assert.equal(r.status, 'completed', r.error);
    assert.deepEqual([JSON.parse(r.output).by, JSON.parse(r.output).ignored], ['ada', 2]);
    assert.deepEqual(r.signalsTaken.map((s) => s.id), [1, 2, 3], 'the fourth is left');
    assert.equal(r.logs.filter((l) => l.level === 2).length, 2);
  });

  test(`${name}: a crash at any step, resumed, takes the same decision and logs each line once`, async () => {
    const signals = [decision({ approved: true, by: 'eve' }), decision({ approved: true, by: 'ada' })];
    const input = { approvers: ['ada'], timeout_ms: 60_000 };
    const clean = await approval(input, { signals });
    assert.equal(clean.status, 'completed', clean.error);
    for (let step = 0; step < clean.journal.length; step++) {
      const first = await approval(input, { signals, crash: { step, when: 'after' } });
      assert.equal(first.status, 'crashed', `step ${step}`);
      const resumed = await approval(input, { signals, journal: first.journal, virtualClock: first.clock });
      assert.equal(resumed.output, clean.output, `step ${step}`);
      assert.equal(first.logs.length + resumed.logs.length, clean.logs.length, `step ${step}: each log line once`);
      assert.equal(first.signalsTaken.length + resumed.signalsTaken.length, 2, `step ${step}: each signal taken once`);
    }
  });

  test(`${name}: invalid input fails terminally`, async () => {
    for (const input of [[1], { timeout_ms: -5 }, { approvers: 'ada' }]) {
      const r = await approval(input);
      assert.deepEqual([r.status, r.terminal], ['failed', true], JSON.stringify(input));
    }
  });
}

for (const name of FANOUTS) {
  const fanout = (input, options = {}) => runWorkflow(workflow(name), { input: JSON.stringify(input), ...options });
  const completed = (n) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`job-${i + 1}`, { status: 'Completed', output: { index: i } }]));

  test(`${name}: spawns N children, waits for each, and summarises`, async () => {
    const input = { workflow: 'echo', children: 3 };
    const first = await fanout(input);
    assert.deepEqual([first.status, first.waitingFor], ['waiting', 'job:1']);
    assert.deepEqual(first.spawned.map((s) => [s.job_id, s.request]), [0, 1, 2].map((i) => [`job-${i + 1}`, { workflow: 'echo', input: { index: i } }]));
    const jobs = { ...completed(3), 'job-2': { status: 'Failed', error: 'boom', output: { partial: true } } };
    const resumed = await fanout(input, { journal: first.journal, jobs });
    assert.equal(resumed.status, 'completed', resumed.error);
    assert.deepEqual(resumed.spawned, [], 'no child spawned twice');
    assert.deepEqual(JSON.parse(resumed.output), {
      workflow: 'echo', completed: 2, failed: 1, cancelled: 0, children: [
        { job_id: 'job-1', status: 'Completed', output: { index: 0 } },
        { job_id: 'job-2', status: 'Failed', output: { partial: true }, error: 'boom' },
        { job_id: 'job-3', status: 'Completed', output: { index: 2 } },
      ],
    });
    assert.deepEqual(resumed.progress.map((p) => p.percent), [33, 66, 100]);
  });

  test(`${name}: given inputs, detached children; require_all fails when one did not complete`, async () => {
    const input = { workflow: 'echo', inputs: [{ a: 1 }, { b: 2 }], detached: true, require_all: true };
    const r = await fanout(input, { jobs: { 'job-1': { status: 'Completed' }, 'job-2': { status: 'Cancelled', error: 'cancelled by ada' } } });
    assert.deepEqual(r.spawned.map((s) => s.request), [{ workflow: 'echo', input: { a: 1 }, detached: true }, { workflow: 'echo', input: { b: 2 }, detached: true }]);
    assert.deepEqual([r.status, r.terminal, r.error], ['failed', false, '1 of 2 children did not complete']);
    assert.equal(JSON.parse(r.output).cancelled, 1);
  });

  test(`${name}: a crash after any spawn spawns each child once`, async () => {
    const input = { workflow: 'echo', children: 4 };
    const clean = await fanout(input, { jobs: completed(4) });
    assert.equal(clean.status, 'completed', clean.error);
    for (let step = 0; step < clean.journal.length; step++) {
      const first = await fanout(input, { jobs: completed(4), crash: { step, when: 'after' } });
      const resumed = await fanout(input, { jobs: completed(4), journal: first.journal });
      assert.equal(resumed.output, clean.output, `step ${step}`);
      assert.deepEqual([...first.spawned, ...resumed.spawned].map((s) => s.job_id), ['job-1', 'job-2', 'job-3', 'job-4'], `step ${step}`);
    }
  });

  test(`${name}: a refused child fails terminally, naming it`, async () => {
    const r = await fanout({ workflow: 'nope', children: 2 }, { workflows: ['echo'] });
    assert.deepEqual([r.status, r.terminal, r.error], ['failed', true, 'child 1 of 2 refused: unknown workflow: nope']);
    assert.deepEqual(JSON.parse(r.output).children, []);
  });

  test(`${name}: invalid input fails terminally`, async () => {
    for (const input of [{}, { workflow: 'echo' }, { workflow: 'echo', children: 1.5 }, { workflow: 'echo', children: 1001 }]) {
      const r = await fanout(input);
      assert.deepEqual([r.status, r.terminal], ['failed', true], JSON.stringify(input));
    }
  });
}

let server;
before(async () => {
  server = await serve({
    '/ok': () => ({ status: 200, body: 'fine' }),
    '/teapot': () => ({ status: 418 }),
    '/report': () => ({ status: 204 }),
    '/report-down': () => ({ status: 503 }),
  });
});
after(() => server.close());

const nightly = (input, options = {}) => runWorkflow(workflow('nightly'), { input: JSON.stringify(input), virtualClock: Date.UTC(2026, 11, 4, 3), ...options });

test('nightly: checks each URL, posts the dated summary, and outputs it', async () => {
  const checks = [{ name: 'api', url: server.url('/ok') }, { name: 'tea', url: server.url('/teapot') }, { name: 'brew', url: server.url('/teapot'), expect: 418 }];
  const r = await nightly({ checks, report_url: server.url('/report'), pause_ms: 1_000 });
  assert.equal(r.status, 'completed', r.error);
  const out = JSON.parse(r.output);
  assert.deepEqual([out.date, out.started_at, out.ok, out.failed], ['2026-12-04', Date.UTC(2026, 11, 4, 3), 2, 1]);
  assert.deepEqual(out.checks.map((c) => [c.name, c.status, c.ok, c.error]), [['api', 200, true, null], ['tea', 418, false, 'HTTP 418'], ['brew', 418, true, null]]);
  assert.equal(r.sleptMs, 2_000, 'a durable pause between two checks');
  const report = server.requests.find((q) => q.path === '/report');
  assert.deepEqual(JSON.parse(report.body), out);
  assert.equal(report.headers['idempotency-key'], `nightly-2026-12-04-${Date.UTC(2026, 11, 4, 3)}`);
});

test('nightly: a report that is refused fails retryably; fail_on_error fails on a failed check', async () => {
  const down = await nightly({ checks: [], report_url: server.url('/report-down') });
  assert.deepEqual([down.status, down.terminal, down.error], ['failed', false, `posting the report to ${server.url('/report-down')} failed: HTTP 503`]);
  const strict = await nightly({ checks: [{ name: 'tea', url: server.url('/teapot') }], fail_on_error: true });
  assert.deepEqual([strict.status, strict.terminal, strict.error], ['failed', false, '1 of 1 checks failed']);
});

test('nightly: invalid input fails terminally', async () => {
  const r = await nightly({ checks: [{ url: server.url('/ok') }] });
  assert.deepEqual([r.status, r.terminal], ['failed', true]);
  assert.match(r.error, /^input is not the JSON expected: missing field `name`/);
});
