// Shared helpers: the API client (session cookie and anti-CSRF header), DOM building, formatting.
export const session = { required: false, csrf: null };

export class ApiError extends Error {
  constructor(status, message) { super(message); this.status = status; }
}

/** Calls the JSON API; a 401 sends the page to the login form. */
export async function api(path, options = {}) {
  const headers = Object.assign({ Accept: 'application/json' }, options.headers || {});
  const method = options.method || 'GET';
  if (method !== 'GET' && session.csrf && !headers.Authorization) headers['X-CSRF-Token'] = session.csrf;
  const r = await fetch(path, Object.assign({}, options, { method, headers, credentials: 'same-origin' }));
  if (r.status === 401 && !options.noRedirect && !headers.Authorization) {
    location.hash = '#/login';
    throw new ApiError(401, 'log in first');
  }
  const text = await r.text();
  let body = null;
  try { body = text ? JSON.parse(text) : null; } catch (e) { body = null; }
  if (!r.ok) throw new ApiError(r.status, (body && (body.detail || body.title)) || r.statusText);
  return body;
}

/** Builds an element: h('td', {class: 'x'}, 'text', child, ...). Text is always text, never HTML. */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else el.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

export function badge(text, kind) { return h('span', { class: 'badge ' + (kind || text) }, text); }

export function progressBar(percent, big) {
  const p = Math.max(0, Math.min(100, percent || 0));
  const bar = h('div', { class: 'bar' + (big ? ' big' : ''), role: 'progressbar', 'aria-valuenow': p });
  const fill = h('span');
  fill.style.width = p + '%';
  bar.append(fill);
  return bar;
}

export function ago(iso) {
  if (!iso) return '';
  const s = Math.round((Date.now() - Date.parse(iso)) / 1000);
  if (s < 0) return 'in ' + span(-s);
  return span(s) + ' ago';
}

function span(s) {
  if (s < 60) return s + ' s';
  if (s < 3600) return Math.round(s / 60) + ' min';
  if (s < 86400) return Math.round(s / 3600) + ' h';
  return Math.round(s / 86400) + ' d';
}

export function time(iso) { return iso ? new Date(iso).toLocaleString() : ''; }

export function short(sha) { return sha ? sha.slice(0, 12) : ''; }

export function toast(message) {
  const t = h('div', { class: 'toast', role: 'status' }, message);
  document.body.append(t);
  setTimeout(() => t.remove(), 3500);
}

/** Runs fn at most once per ms, the last call winning. */
export function throttle(fn, ms) {
  let timer = null;
  return () => { if (!timer) timer = setTimeout(() => { timer = null; fn(); }, ms); };
}

/** An EventSource the current page owns: closed when the page changes. */
export function stream(url, handlers, page) {
  const es = new EventSource(url);
  for (const [type, fn] of Object.entries(handlers)) es.addEventListener(type, (e) => fn(e.data ? JSON.parse(e.data) : null, e));
  page.cleanups.push(() => es.close());
  return es;
}

/**
 * Follows `url` on a page that first loads what it shows, so that nothing changed while it loads is
 * missed: the stream opens first; once the server has taken it on (its first bytes arrive) `load`
 * runs while events are held back; then the held events are delivered in order, and later ones as
 * they come. An event may describe a job older than the load read it: handlers skip an event whose
 * `updated_at` is before the one they show (see `notOlder`).
 */
export async function follow(url, handlers, page, load) {
  const held = [];
  let holding = true;
  const wrapped = {};
  for (const [type, fn] of Object.entries(handlers)) wrapped[type] = (d, e) => (holding ? held.push(() => fn(d, e)) : fn(d, e));
  const es = stream(url, wrapped, page);
  await new Promise((resolve) => {
    es.addEventListener('open', resolve, { once: true });
    es.addEventListener('error', resolve, { once: true });
    setTimeout(resolve, 3000);
  });
  try {
    await load();
  } finally {
    holding = false;
    held.splice(0).forEach((f) => f());
  }
  return es;
}

/** Whether job `j` (an event's) is not older than `shown` (what the page shows of it, if anything). */
export const notOlder = (j, shown) => !shown || Date.parse(j.updated_at) >= Date.parse(shown.updated_at);

export function every(ms, fn, page) {
  const id = setInterval(fn, ms);
  page.cleanups.push(() => clearInterval(id));
}

export const STATUSES = ['Pending', 'InProgress', 'Waiting', 'Retrying', 'Completed', 'Failed', 'Cancelled'];
