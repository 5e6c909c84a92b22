// Test helpers: a local HTTP server with scripted routes, and the paths of the built workflows.
import http from 'node:http';
import { fileURLToPath } from 'node:url';

export const workflow = (name) => fileURLToPath(new URL(`../../${name}/${name}.wasm`, import.meta.url));
/** A test workflow of workflows/testing/. */
export const testWorkflow = (name) => fileURLToPath(new URL(`../../testing/${name}/${name}.wasm`, import.meta.url));

/**
 * Starts a server on 127.0.0.1 (a free port). `routes` maps a path to
 * (req, body, hit) => {status, headers, body}, where `hit` counts the requests for that path
 * and query from 1.
 * Returns {url(path), hits(path), requests, close()}.
 */
export async function serve(routes) {
  const hits = new Map();
  const requests = [];
  const server = http.createServer(async (req, res) => {
    const chunks = [];
    for await (const c of req) chunks.push(c);
    const body = Buffer.concat(chunks).toString();
    const path = req.url.split('?')[0];
    const hit = (hits.get(req.url) ?? 0) + 1; // counted per path and query
    hits.set(req.url, hit);
    requests.push({ method: req.method, path: req.url, headers: req.headers, body });
    const route = routes[path];
    const answer = route ? await route(req, body, hit) : { status: 404, body: 'not found' };
    res.writeHead(answer.status ?? 200, answer.headers ?? {});
    res.end(answer.body ?? '');
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${server.address().port}`;
  return {
    url: (path) => `${base}${path}`,
    hits: (path) => hits.get(path) ?? 0,
    requests,
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(resolve); }),
  };
}

export const html = (body) => ({ status: 200, headers: { 'content-type': 'text/html; charset=utf-8' }, body });

/** A URL on which nothing listens. */
export async function closedPortUrl() {
  const server = http.createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}/`;
}
