// The test workflows of workflows/testing/: sequence (the crash tests') and steps (the durable-steps
// benchmark's), on the Node host.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { runWorkflow } from '../run.mjs';
import { serve, testWorkflow } from './util.mjs';

const SEQUENCE = testWorkflow('sequence');
const STEPS = testWorkflow('steps');
let server;
before(async () => {
  server = await serve({
    '/a': () => ({ status: 200 }),
    '/b': () => ({ status: 201 }),
    '/down': () => ({ status: 503 }),
  });
});
after(() => server.close());

/** A URL of its own (own hit counter) for path `path`. */
const fresh = (path) => server.url(`${path}?${Math.random()}`);
const hits = (url) => server.hits(new URL(url).pathname + new URL(url).search);
const sequence = (input, options = {}) => runWorkflow(SEQUENCE, { input: JSON.stringify(input), virtualClock: 0, ...options });

test('sequence calls each URL once, in order, four steps each', async () => {
  const urls = [fresh('/a'), fresh('/b'), fresh('/a')];
  const r = await sequence({ urls, sleep_ms: 50 });
  assert.equal(r.status, 'completed', r.error);
  assert.deepEqual(JSON.parse(r.output), { statuses: [200, 201, 200], n: 3 });
  assert.deepEqual(urls.map(hits), [1, 1, 1]);
  assert.deepEqual(r.journal.map((e) => e.kind), [
    ...[0, 1, 2].flatMap(() => ['progress', 'log', 'sleep_ms', 'http_request']), 'progress']);
  assert.deepEqual(r.progress.map((p) => [p.percent, p.msg]), [[0, 'step 1 of 3'], [33, 'step 2 of 3'], [66, 'step 3 of 3'], [100, '3 of 3 done']]);
  assert.deepEqual(r.logs.map((l) => [l.level, l.msg]), urls.map((u) => [1, `calling ${u}`]));
  assert.equal(r.sleptMs, 150);
});

test('sequence resumed after a crash at any step sends each POST once', async () => {
  for (let step = 0; step < 9; step++) {
    const urls = [fresh('/a'), fresh('/b')];
    const input = { urls, sleep_ms: 10, method: 'POST' };
    const first = await sequence(input, { crash: { step, when: 'after' } });
    assert.equal(first.status, 'crashed', `step ${step}: ${first.error}`);
    const resumed = await sequence(input, { journal: first.journal });
    assert.equal(resumed.status, 'completed', `step ${step}: ${resumed.error}`);
    assert.deepEqual(JSON.parse(resumed.output), { statuses: [200, 201], n: 2 });
    assert.deepEqual(urls.map(hits), [1, 1], `step ${step}`);
  }
});

test('sequence fails terminally, naming the URL, when a POST was in flight at a crash', async () => {
  const urls = [fresh('/a'), fresh('/b')];
  const input = { urls, method: 'POST' };
  const first = await sequence(input, { crash: { step: 7, when: 'inflight' } });
  assert.equal(first.status, 'crashed');
  const resumed = await sequence(input, { journal: first.journal });
  assert.equal(resumed.status, 'failed');
  assert.equal(resumed.terminal, true);
  assert.match(resumed.error, new RegExp(`^step 2 of 2: POST ${urls[1].replace(/[?.]/g, '\\$&')}: interrupted by a crash and not idempotent: `));
  assert.deepEqual(JSON.parse(resumed.output), { statuses: [200], n: 2 });
  assert.deepEqual(urls.map(hits), [1, 1]);
});

test('sequence sends an idempotent request again when it was in flight at a crash', async () => {
  const urls = [fresh('/a')];
  const input = { urls, method: 'POST', idempotent: true };
  const first = await sequence(input, { crash: { step: 3, when: 'inflight' } });
  const resumed = await sequence(input, { journal: first.journal });
  assert.equal(resumed.status, 'completed', resumed.error);
  assert.equal(hits(urls[0]), 2);
});

test('sequence fails retryably on a status that is not 2xx', async () => {
  const urls = [fresh('/a'), fresh('/down'), fresh('/a')];
  const r = await sequence({ urls });
  assert.equal(r.status, 'failed');
  assert.equal(r.terminal, false);
  assert.equal(r.error, `step 2 of 3: GET ${urls[1]}: HTTP 503`);
  assert.deepEqual(JSON.parse(r.output), { statuses: [200, 503], n: 3 });
  assert.deepEqual(urls.map(hits), [1, 1, 0]);
});

test('steps makes N now_ms steps', async () => {
  for (const [input, n] of [['{"steps": 25}', 25], ['{}', 10], ['{"steps": 0}', 0]]) {
    const r = await runWorkflow(STEPS, { input });
    assert.equal(r.status, 'completed', r.error);
    assert.equal(r.output, `{"steps": ${n}}`);
    assert.equal(r.journal.length, n);
    assert.ok(r.journal.every((e) => e.kind === 'now_ms'));
  }
  const bad = await runWorkflow(STEPS, { input: '{"steps": -1}' });
  assert.deepEqual([bad.status, bad.error], ['failed', 'input must be {"steps": N}, N a whole number from 0 to 1000000000']);
});
