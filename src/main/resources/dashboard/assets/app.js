// The dashboard: a hash router over a few pages, each reading the same JSON APIs and SSE streams as
// any client. The session (when [api] token is set) is an HttpOnly cookie; changes send X-CSRF-Token.
import { api, h, session } from './lib.js';
import { overview } from './overview.js';
import { jobs } from './jobs.js';
import { job } from './job.js';
import { workers, cluster } from './nodes.js';
import { modules } from './modules.js';
import { schedules, schedule } from './schedules.js';

const routes = [
  [/^#?\/?$/, 'overview', overview],
  [/^#\/jobs\/(job-\d+)$/, 'jobs', job],
  [/^#\/jobs(\?.*)?$/, 'jobs', jobs],
  [/^#\/workers$/, 'workers', workers],
  [/^#\/cluster$/, 'cluster', cluster],
  [/^#\/modules$/, 'modules', modules],
  [/^#\/schedules$/, 'schedules', schedules],
  [/^#\/schedules\/([^/]+)$/, 'schedules', schedule],
  [/^#\/login$/, null, login],
];

let current = { cleanups: [] };

async function route() {
  current.cleanups.forEach((f) => f());
  const page = { cleanups: [], alive: true };
  current.alive = false;
  current = page;
  const hash = location.hash || '#/';
  const app = document.getElementById('app');
  if (session.required && !session.authenticated && hash !== '#/login') {
    location.hash = '#/login';
    return;
  }
  for (const [re, name, render] of routes) {
    const m = hash.match(re);
    if (!m) continue;
    document.querySelectorAll('#nav a').forEach((a) => a.classList.toggle('active', a.dataset.page === name));
    app.replaceChildren();
    try {
      await render(app, page, m);
    } catch (e) {
      if (page.alive && e.status !== 401) app.append(h('p', { class: 'error' }, 'Could not load this page: ' + e.message));
    }
    return;
  }
  app.replaceChildren(h('p', {}, 'No such page. ', h('a', { href: '#/' }, 'Overview')));
}

async function login(app) {
  if (!session.required || session.authenticated) { location.hash = '#/'; return; }
  const token = h('input', { type: 'password', name: 'token', placeholder: 'api.token', autocomplete: 'current-password', required: true });
  const error = h('p', { class: 'error' });
  const form = h('form', {
    onsubmit: async (e) => {
      e.preventDefault();
      try {
        const s = await api('/api/v1/session', { method: 'POST', noRedirect: true, headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ token: token.value }) });
        Object.assign(session, { authenticated: true, csrf: s.csrf_token });
        document.getElementById('logout').hidden = false;
        location.hash = '#/';
      } catch (err) {
        error.textContent = err.status === 401 ? 'That is not this cluster\'s token.' : err.message;
      }
    },
  }, h('label', {}, 'API token'), token, h('button', { class: 'primary', type: 'submit' }, 'Log in'), error);
  app.append(h('div', { class: 'login panel' }, h('h1', {}, 'Log in to mvm-ci'),
    h('p', { class: 'muted' }, 'This cluster has an API token ([api] token). The browser keeps a session cookie.'), form));
  token.focus();
}

async function start() {
  const s = await api('/api/v1/session');
  Object.assign(session, { required: s.auth_required, authenticated: s.authenticated, csrf: s.csrf_token });
  const logout = document.getElementById('logout');
  logout.hidden = !(s.auth_required && s.authenticated);
  logout.addEventListener('click', async () => {
    await api('/api/v1/session', { method: 'DELETE' });
    Object.assign(session, { authenticated: false, csrf: null });
    logout.hidden = true;
    location.hash = '#/login';
  });
  window.addEventListener('hashchange', route);
  await route();
  if (session.authenticated) nodeLabel();
}

async function nodeLabel() {
  try {
    const c = await api('/api/v1/cluster');
    document.getElementById('node').textContent = 'node ' + c.node_id + ' · ' + c.role + ' · term ' + c.term;
  } catch (e) { /* shown on the cluster page */ }
}

start();
