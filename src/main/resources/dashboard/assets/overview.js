// Overview: counts per status (live), throughput over the last hour, the cluster at a glance.
import { api, badge, every, h, stream, throttle, STATUSES } from './lib.js';
import { lineChart } from './chart.js';

export async function overview(app, page) {
  const counts = h('div', { class: 'cards', id: 'counts' });
  const chart = h('div', { class: 'chart', id: 'throughput' });
  const health = h('div', { id: 'health' });
  app.append(h('h1', {}, 'Overview'), counts,
    h('div', { class: 'grid2' },
      h('div', { class: 'panel' }, h('h2', {}, 'Throughput, jobs per second, last hour'), chart),
      h('div', { class: 'panel' }, h('h2', {}, 'Cluster'), health)));

  const loadCounts = async () => {
    const s = await api('/api/v1/stats?consistency=local');
    counts.replaceChildren(...STATUSES.map((st) => h('a', { class: 'card', href: '#/jobs?status=' + st, 'data-status': st },
      h('div', { class: 'n' }, (s.counts[st] || 0).toLocaleString()), h('div', { class: 'l' }, st))),
      h('div', { class: 'card', 'data-status': 'total' }, h('div', { class: 'n' }, s.total.toLocaleString()), h('div', { class: 'l' }, 'total')));
  };
  const loadChart = async () => {
    const t = await api('/api/v1/stats/throughput?minutes=60&step=10');
    chart.replaceChildren(lineChart([
      { name: 'submitted', color: '#2f6fdb', values: t.submitted },
      { name: 'completed', color: '#1f9d55', values: t.completed },
      { name: 'failed', color: '#d64545', values: t.failed },
    ], new Date(t.from), t.step_seconds), h('div', { class: 'legend' },
      ...[['submitted', '#2f6fdb'], ['completed', '#1f9d55'], ['failed', '#d64545']].map(([n, c]) => {
        const i = h('i');
        i.style.background = c;
        return h('span', {}, i, n);
      })));
  };
  const loadHealth = async () => {
    const [c, w] = await Promise.all([api('/api/v1/cluster?members=true'), api('/api/v1/workers?consistency=local')]);
    const nodes = [c, ...(c.peers || [])].sort((a, b) => a.node_id - b.node_id);
    const alive = w.workers.filter((x) => x.status === 'alive');
    health.replaceChildren(
      h('table', {}, h('thead', {}, h('tr', {}, h('th', {}, 'node'), h('th', {}, 'role'), h('th', {}, 'health'), h('th', {}, 'applied'))),
        h('tbody', {}, nodes.map((n) => h('tr', {},
          h('td', {}, 'node ' + n.node_id),
          h('td', {}, n.state === 'unreachable' ? badge('unreachable') : badge(n.role)),
          h('td', {}, n.state === 'unreachable' ? '' : n.ready ? badge('ready') : badge('not ready', 'notready')),
          h('td', { class: 'mono' }, n.applied_index ?? ''))))),
      h('p', {}, `${alive.length} of ${w.workers.length} workers alive, `
        + `${alive.reduce((a, x) => a + x.running, 0)} of ${alive.reduce((a, x) => a + x.capacity, 0)} slots busy. `,
        h('a', { href: '#/cluster' }, 'Cluster'), ' · ', h('a', { href: '#/workers' }, 'Workers')));
  };
  await Promise.all([loadCounts(), loadChart(), loadHealth()]);
  const refreshCounts = throttle(() => loadCounts().catch(() => {}), 500);
  stream('/api/v1/events', { job: refreshCounts, resync: refreshCounts }, page);
  every(5000, () => loadCounts().catch(() => {}), page);
  every(10000, () => loadChart().catch(() => {}), page);
  every(5000, () => loadHealth().catch(() => {}), page);
}
