// History and replay (workflows/README.md): a run that crashes at any journaled step and is
// resumed from its journal ends as an uninterrupted run would, and performs each side effect once.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { runWorkflow } from '../run.mjs';
import { html, serve, workflow } from './util.mjs';

let server;
before(async () => {
  server = await serve({
    '/page': () => html('<title>T</title><a href="/a">a</a>'),
    '/hop': () => ({ status: 302, headers: { location: '/page' } }),
    '/flaky': (req, body, hit) => ({ status: hit === 1 ? 503 : 200 }),
    '/deploy': () => ({ status: 201 }),
  });
});
after(() => server.close());

/** The logs and progress reports a run emitted, in journal order. */
const effects = (r) => [...r.logs.map((l) => [l.step, `log ${l.msg}`]), ...r.progress.map((p) => [p.step, `progress ${p.percent} ${p.msg}`])]
  .sort(([a], [b]) => a - b).map(([, e]) => e);

/** Crashes a run after each journaled step in turn, resumes it, and compares with a clean run. */
async function crashEverywhere(wasm, input, path, options = {}) {
  const clean = await runWorkflow(wasm, { input, ...options });
  assert.equal(clean.status, 'completed', clean.error);
  for (let step = 0; step < clean.journal.length; step++) {
    const url = `${path}?crash=${step}-${Math.random()}`;
    const stepInput = input.replaceAll(path, url);
    const first = await runWorkflow(wasm, { input: stepInput, crash: { step, when: 'after' }, ...options });
    assert.equal(first.status, 'crashed', `step ${step}: ${first.error}`);
    const resumed = await runWorkflow(wasm, { input: stepInput, journal: first.journal, virtualClock: first.clock ?? undefined });
    assert.equal(resumed.status, 'completed', `step ${step}: ${resumed.error}`);
    assert.equal(resumed.output, clean.output.replaceAll(path, url), `step ${step}: same output`);
    assert.deepEqual([...effects(first), ...effects(resumed)], effects(clean).map((e) => e.replaceAll(path, url)), `step ${step}: each log and progress once`);
    assert.equal(resumed.replayed, step + 1, `step ${step}: replayed the journal`);
    assert.equal(first.httpSent + resumed.httpSent, clean.httpSent, `step ${step}: sent each request once`);
  }
}

test('the crawler survives a crash at any step', async () => {
  await crashEverywhere(workflow('crawler'), JSON.stringify({ url: server.url('/page') }), '/page');
});

test('the pipeline survives a crash at any step, sleeps included', async () => {
  const input = JSON.stringify({ steps: [{ name: 'a', url: server.url('/deploy') }, { name: 'b', url: server.url('/deploy'), method: 'PUT' }], retries: 1, backoff_ms: 50 });
  await crashEverywhere(workflow('pipeline'), input, '/deploy', { virtualClock: 1_000 });
});

test('an idempotent GET in flight at a crash is sent again', async () => {
  const url = server.url(`/page?inflight-${Math.random()}`);
  const input = JSON.stringify({ url });
  const first = await runWorkflow(workflow('crawler'), { input, crash: { step: 1, when: 'inflight' } });
  assert.equal(first.status, 'crashed');
  assert.equal(first.journal[1].kind, 'http_request');
  assert.ok(!('result' in first.journal[1]), 'started, not finished');
  const resumed = await runWorkflow(workflow('crawler'), { input, journal: first.journal });
  assert.equal(resumed.status, 'completed', resumed.error);
  assert.equal(server.hits(new URL(url).pathname + new URL(url).search), 2);
});

test('a non-idempotent POST in flight at a crash is not sent again, and the run fails terminally', async () => {
  const path = `/deploy?post-${Math.random()}`;
  const input = JSON.stringify({ steps: [{ name: 'deploy', url: server.url(path), method: 'POST' }], retries: 3 });
  const first = await runWorkflow(workflow('pipeline'), { input, virtualClock: 0, crash: { step: 2, when: 'inflight' } });
  assert.equal(first.status, 'crashed');
  assert.equal(first.journal[2].kind, 'http_request');
  const resumed = await runWorkflow(workflow('pipeline'), { input, journal: first.journal, virtualClock: 0 });
  assert.equal(resumed.status, 'failed');
  assert.match(resumed.error, /^step "deploy" failed after 1 attempt: interrupted by a crash and not idempotent: /);
  assert.equal(resumed.terminal, true, 'no retry of the job sends the POST again');
  assert.equal(server.hits(path), 1);
});

test('a resumed durable sleep waits only for what remains', async () => {
  const path = `/flaky?sleep-${Math.random()}`;
  const input = JSON.stringify({ steps: [{ name: 'build', url: server.url(path) }], retries: 1, backoff_ms: 100 });
  const first = await runWorkflow(workflow('pipeline'), { input, virtualClock: 5_000, crash: { step: 4, when: 'after' } });
  assert.equal(first.status, 'crashed');
  assert.deepEqual([first.journal[4].kind, first.journal[4].result], ['sleep_ms', 5_100]);
  // The node comes back 30 ms of virtual time later.
  const resumed = await runWorkflow(workflow('pipeline'), { input, journal: first.journal, virtualClock: first.clock + 30 });
  assert.equal(resumed.status, 'completed', resumed.error);
  assert.equal(resumed.sleptMs, 70);
  assert.equal(server.hits(path), 2);
});

test('a run that strays from its journal fails as non-deterministic', async () => {
  const clean = await runWorkflow(workflow('crawler'), { input: JSON.stringify({ url: server.url('/page') }) });
  const strayed = await runWorkflow(workflow('crawler'), { input: JSON.stringify({ url: server.url('/hop') }), journal: clean.journal });
  assert.equal(strayed.status, 'failed');
  assert.equal(strayed.error, `non-deterministic workflow: step 0: journal has progress 5 fetching ${server.url('/page')}, run called progress 5 fetching ${server.url('/hop')}`);
});
