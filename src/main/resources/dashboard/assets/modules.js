// Modules: versions with their sha-256, which jobs use them; deploy an uploaded .wasm, promote, delete.
import { api, badge, h, short, time, toast } from './lib.js';

export async function modules(app) {
  const list = h('div', { id: 'modules' });
  const secret = h('input', { type: 'password', name: 'secret', placeholder: 'secret_api', autocomplete: 'off' });
  const name = h('input', { name: 'name', placeholder: 'module name', required: true, pattern: '[A-Za-z0-9._-]+' });
  const file = h('input', { type: 'file', name: 'wasm', accept: '.wasm,application/wasm', required: true });
  const check = h('input', { type: 'checkbox', name: 'check', checked: true });
  const out = h('div', { id: 'deploy-result' });
  const admin = () => ({ Authorization: 'Bearer ' + secret.value });
  const deploy = h('form', {
    class: 'filters', onsubmit: async (e) => {
      e.preventDefault();
      if (!file.files.length) return;
      const bytes = await file.files[0].arrayBuffer();
      try {
        const r = await api(`/api/v1/modules/${encodeURIComponent(name.value)}${check.checked ? '?check=in-flight' : ''}`,
          { method: 'POST', headers: Object.assign({ 'Content-Type': 'application/wasm' }, admin()), body: bytes });
        out.replaceChildren(h('p', {}, `Deployed ${r.name} ${short(r.sha256)}` + (r.check ? ` (${r.check.checked} runs in flight checked)` : '')));
        load();
      } catch (err) {
        out.replaceChildren(h('p', { class: 'error' }, err.message));
      }
    },
  }, name, file, h('label', {}, check, ' check runs in flight first'), secret, h('button', { class: 'primary', type: 'submit' }, 'Deploy'));
  app.append(h('h1', {}, 'Modules'), list, h('div', { class: 'panel' }, h('h2', {}, 'Deploy a module'),
    h('p', { class: 'muted' }, 'Deploying, promoting and deleting need secret_api; it is sent with the request and kept nowhere.'), deploy, out));

  const action = async (method, path, what) => {
    try {
      await api(path, { method, headers: admin() });
      toast(what);
      load();
    } catch (err) {
      toast(err.status === 401 ? 'secret_api is needed (below)' : err.message);
    }
  };
  const load = async () => {
    const mods = await api('/api/v1/modules');
    const names = [...new Set(mods.map((m) => m.name))].sort();
    list.replaceChildren(...names.map((n) => h('div', { class: 'panel', 'data-module': n },
      h('h2', {}, n, ' ', h('a', { href: '#/jobs?workflow=' + encodeURIComponent(n) }, 'jobs')),
      h('table', {}, h('thead', {}, h('tr', {}, ['sha-256', 'size', 'deployed', '', 'running', 'pinned', ''].map((c) => h('th', {}, c)))),
        h('tbody', {}, mods.filter((m) => m.name === n).reverse().map((m) => h('tr', {},
          h('td', { class: 'mono', title: m.sha256 }, m.sha256), h('td', {}, (m.size_bytes / 1024).toFixed(1) + ' KiB'),
          h('td', {}, time(m.deployed_at)), h('td', {}, m.latest ? badge('latest', 'Completed') : ''),
          h('td', {}, m.jobs_running), h('td', {}, m.jobs_pinned),
          h('td', {}, m.latest ? '' : h('span', { class: 'actions' },
            h('button', { onclick: () => action('POST', `/api/v1/modules/${encodeURIComponent(n)}/${m.sha256}/promote`, 'Promoted ' + short(m.sha256)) }, 'Promote'),
            h('button', { class: 'danger', onclick: () => action('DELETE', `/api/v1/modules/${encodeURIComponent(n)}/${m.sha256}`, 'Deleted ' + short(m.sha256)) }, 'Delete'))))))))));
  };
  await load();
}
