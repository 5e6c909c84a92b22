import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { runWorkflow } from '../run.mjs';
import { closedPortUrl, html, serve, workflow } from './util.mjs';

const CRAWLER = workflow('crawler');
let server;

before(async () => {
  server = await serve({
    '/page': () => html(`<!doctype html><html><head><title>
        Tom &amp; Jerry  </title></head><body>
        <a href="/about">About</a> <a href="team/">Team</a> <a href="/about#history">again</a>
        <a href="#top">top</a> <a href="mailto:x@example.com">mail</a> <a href="javascript:go()">js</a>
        <a href="HTTPS://Example.COM/x?q=1&amp;r=2">ext</a> <!-- <a href="/commented"> -->
        <script>document.write('<a href="/scripted">')</script></body></html>`),
    '/based': () => html('<base href="https://cdn.example/assets/"><a href="img.png">i</a><a href="//other.example">o</a>'),
    '/start': () => ({ status: 301, headers: { location: '/middle' } }),
    '/middle': () => ({ status: 302, headers: { location: 'dir/final' } }),
    '/dir/final': () => html('<title>Final</title><a href="sibling">s</a>'),
    '/loop': () => ({ status: 302, headers: { location: '/loop' } }),
    '/json': () => ({ status: 200, headers: { 'content-type': 'application/json' }, body: '{"a":"<a href=/x>"}' }),
    '/missing': () => ({ status: 404, headers: { 'content-type': 'text/html' }, body: '<title>Not here</title><a href="/">home</a>' }),
    '/notitle': () => html('<p>no title <a href="/a">a</a></p>'),
    '/many': () => html(Array.from({ length: 150 }, (_, i) => `<a href="/p${i}">${i}</a>`).join('')),
    '/big': () => html(`<title>Big</title>${'x'.repeat(5 << 20)}`),
  });
});
after(() => server.close());

const crawl = (url, options = {}) => runWorkflow(CRAWLER, { input: JSON.stringify({ url }), ...options });

test('reports status, title, byte count and resolved, deduplicated links', async () => {
  const r = await crawl(server.url('/page'));
  assert.equal(r.status, 'completed', r.error);
  const out = JSON.parse(r.output);
  assert.equal(out.url, server.url('/page'));
  assert.equal(out.final_url, server.url('/page'));
  assert.equal(out.status, 200);
  assert.equal(out.content_type, 'text/html; charset=utf-8');
  assert.equal(out.title, 'Tom & Jerry');
  assert.equal(out.truncated, false);
  assert.ok(out.bytes > 400);
  assert.deepEqual(out.links, [server.url('/about'), server.url('/team/'), 'https://example.com/x?q=1&r=2']);
  assert.deepEqual(r.progress.map((p) => p.percent), [5, 70, 100]);
  assert.equal(r.httpSent, 1);
});

test('resolves links against <base href>', async () => {
  const out = JSON.parse((await crawl(server.url('/based'))).output);
  assert.deepEqual(out.links, ['https://cdn.example/assets/img.png', 'https://other.example/']);
});

test('follows redirects itself and resolves links against the final URL', async () => {
  const r = await crawl(server.url('/start'));
  const out = JSON.parse(r.output);
  assert.equal(out.url, server.url('/start'));
  assert.equal(out.final_url, server.url('/dir/final'));
  assert.equal(out.title, 'Final');
  assert.deepEqual(out.links, [server.url('/dir/sibling')]);
  assert.equal(r.httpSent, 3);
});

test('fails on a redirect loop', async () => {
  const r = await crawl(server.url('/loop'));
  assert.equal(r.status, 'failed');
  assert.match(r.error, /more than 5 redirects/);
});

test('non-HTML has no title and no links', async () => {
  const out = JSON.parse((await crawl(server.url('/json'))).output);
  assert.equal(out.title, null);
  assert.deepEqual(out.links, []);
  assert.equal(out.bytes, 19);
});

test('any HTTP status is a result', async () => {
  const r = await crawl(server.url('/missing'));
  assert.equal(r.status, 'completed');
  const out = JSON.parse(r.output);
  assert.equal(out.status, 404);
  assert.equal(out.title, 'Not here');
});

test('a page without a title reports null', async () => {
  const out = JSON.parse((await crawl(server.url('/notitle'))).output);
  assert.equal(out.title, null);
  assert.deepEqual(out.links, [server.url('/a')]);
});

test('caps links at 100', async () => {
  const out = JSON.parse((await crawl(server.url('/many'))).output);
  assert.equal(out.links.length, 100);
  assert.equal(out.links[99], server.url('/p99'));
});

test('a body over 1 MiB arrives cut and flagged', async () => {
  const out = JSON.parse((await crawl(server.url('/big'))).output);
  assert.equal(out.truncated, true);
  assert.equal(out.bytes, 1 << 20);
  assert.equal(out.title, 'Big');
});

test('a transport error fails the run with a readable message', async () => {
  const url = await closedPortUrl();
  const r = await crawl(url);
  assert.equal(r.status, 'failed');
  assert.match(r.error, new RegExp(`^fetching ${url}: transport error: `));
});

test('a URL that is not http(s) is denied', async () => {
  const r = await crawl('ftp://example.com/');
  assert.equal(r.status, 'failed');
  assert.match(r.error, /^fetching ftp:\/\/example.com\/: denied: /);
});

test('input without a url fails readably', async () => {
  for (const input of ['', '{}', '{"url": 3}', 'https://example.com']) {
    const r = await runWorkflow(CRAWLER, { input });
    assert.equal(r.status, 'failed', input);
    assert.match(r.error, /^input must be \{"url": "http\(s\):\/\/\.\.\."\}: /);
  }
});
