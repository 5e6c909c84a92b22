import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { runWorkflow } from '../run.mjs';
import { closedPortUrl, serve, workflow } from './util.mjs';

const PIPELINE = workflow('pipeline');
let server;

before(async () => {
  server = await serve({
    '/ok': () => ({ status: 200, body: 'ok' }),
    '/flaky': (req, body, hit) => ({ status: hit <= 2 ? 503 : 200 }),
    '/down': () => ({ status: 503 }),
    '/missing': () => ({ status: 404 }),
    '/deploy': () => ({ status: 201 }),
  });
});
after(() => server.close());

const T0 = 1_700_000_000_000;
const pipeline = (input, options = {}) =>
  runWorkflow(PIPELINE, { input: JSON.stringify(input), virtualClock: T0, ...options });
const fresh = (path) => `${server.url(path)}?${Math.random()}`; // own hit counter per test

test('runs every step and summarises them', async () => {
  const r = await pipeline({ steps: [{ name: 'checkout', url: server.url('/ok') }, { name: 'build', url: server.url('/ok') }] });
  assert.equal(r.status, 'completed', r.error);
  assert.deepEqual(JSON.parse(r.output), {
    ok: true, failed_step: null, steps: [
      { name: 'checkout', outcome: 'succeeded', status: 200, attempts: 1, duration_ms: 0, error: null },
      { name: 'build', outcome: 'succeeded', status: 200, attempts: 1, duration_ms: 0, error: null },
    ],
  });
  assert.deepEqual(r.progress.map((p) => [p.percent, p.msg]), [
    [0, 'step 1/2 checkout'], [50, 'step 2/2 build'], [100, 'pipeline succeeded: 2 steps'],
  ]);
});

test('retries a flaky step with exponential backoff in durable sleeps', async () => {
  const flaky = server.hits('/flaky');
  const r = await pipeline({ steps: [{ name: 'build', url: server.url('/flaky') }], retries: 3, backoff_ms: 100 });
  assert.equal(r.status, 'completed', r.error);
  const [build] = JSON.parse(r.output).steps;
  assert.equal(build.attempts, 3);
  assert.equal(build.duration_ms, 300); // 100 + 200 of virtual sleep
  assert.equal(r.sleptMs, 300);
  assert.equal(server.hits('/flaky') - flaky, 3);
  assert.deepEqual(r.journal.filter((e) => e.kind === 'sleep_ms').map((e) => e.request), ['100', '200']);
  assert.equal(r.logs.filter((l) => l.level === 2).length, 2);
});

test('fails with a readable reason when a step exhausts its retries, and skips the rest', async () => {
  const before = server.hits('/deploy');
  const r = await pipeline({
    steps: [{ name: 'checkout', url: server.url('/ok') }, { name: 'test', url: server.url('/down') }, { name: 'deploy', url: server.url('/deploy'), method: 'POST' }],
    retries: 2, backoff_ms: 10,
  });
  assert.equal(r.status, 'failed');
  assert.equal(r.error, 'step "test" failed after 3 attempts: HTTP 503');
  assert.equal(r.terminal, false, 'retries exhausted on a 5xx: the job may run again');
  const out = JSON.parse(r.output);
  assert.equal(out.ok, false);
  assert.equal(out.failed_step, 'test');
  assert.deepEqual(out.steps.map((s) => [s.outcome, s.attempts]), [['succeeded', 1], ['failed', 3], ['skipped', 0]]);
  assert.equal(out.steps[1].status, 503);
  assert.equal(server.hits('/deploy'), before);
  assert.equal(r.sleptMs, 30);
});

test('does not retry a client error', async () => {
  const r = await pipeline({ steps: [{ name: 'fetch', url: server.url('/missing') }], retries: 5 });
  assert.equal(r.error, 'step "fetch" failed after 1 attempt: HTTP 404');
  assert.equal(r.terminal, true, 'a 404 fails terminally: another execution would get it too');
  assert.equal(r.journal.at(-1).kind, 'fail_with');
  assert.equal(r.sleptMs, 0);
});

test('retries transport errors, then fails', async () => {
  const url = await closedPortUrl();
  const r = await pipeline({ steps: [{ name: 'probe', url }], retries: 1, backoff_ms: 5 });
  assert.equal(r.status, 'failed');
  assert.match(r.error, /^step "probe" failed after 2 attempts: transport error: /);
  assert.equal(r.terminal, false);
  assert.equal(JSON.parse(r.output).steps[0].status, null);
});

test('a step can set its own retries, backoff, method, headers and body', async () => {
  const before = server.requests.length;
  const r = await pipeline({
    steps: [
      { name: 'deploy', url: server.url('/deploy'), method: 'post', body: '{"v":1}', headers: { 'Content-Type': 'application/json' } },
      { name: 'flaky', url: fresh('/flaky'), retries: 5, backoff_ms: 1 },
    ],
    retries: 0,
  });
  assert.equal(r.status, 'completed', r.error);
  const deploy = server.requests[before];
  assert.equal(deploy.method, 'POST');
  assert.equal(deploy.body, '{"v":1}');
  assert.equal(deploy.headers['content-type'], 'application/json');
  assert.equal(JSON.parse(r.output).steps[1].attempts, 3);
  assert.equal(r.sleptMs, 1 + 2);
});

test('invalid input fails readably', async () => {
  const cases = [
    [{}, 'input must have "steps": a non-empty array of {"name", "url"}'],
    [{ steps: [] }, 'input must have "steps": a non-empty array of {"name", "url"}'],
    [{ steps: [{ name: 'x' }] }, 'step "x" has no "url"'],
  ];
  for (const [input, error] of cases) {
    const r = await pipeline(input);
    assert.deepEqual([r.error, r.terminal], [error, true]);
  }
  const r = await runWorkflow(PIPELINE, { input: '{"steps": [' });
  assert.match(r.error, /^input is not valid JSON: /);
  assert.equal(r.terminal, true);
});
