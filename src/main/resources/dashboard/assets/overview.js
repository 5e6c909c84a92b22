// Overview: counts per status (live), throughput over the last hour, the cluster at a glance (and a
// badge when the members' copies differ).
import { ago, api, badge, every, follow, h, notOlder, progressBar, throttle, STATUSES } from './lib.js';
import { lineChart } from './chart.js';

export async function overview(app, page) {
  const counts = h('div', { class: 'cards', id: 'counts' });
  const chart = h('div', { class: 'chart', id: 'throughput' });
  const health = h('div', { id: 'health' });
  const recent = h('tbody', { id: 'recent-body' });
  app.append(h('h1', {}, 'Overview'), counts,
    h('div', { class: 'grid2' },
      h('div', { class: 'panel' }, h('h2', {}, 'Throughput, jobs per second, last hour'), chart),
      h('div', { class: 'panel' }, h('h2', {}, 'Cluster'), health)),
    h('div', { class: 'panel' }, h('h2', {}, 'Latest jobs ', h('a', { href: '#/jobs' }, 'all jobs')),
      h('table', { id: 'recent' }, h('thead', {}, h('tr', {}, ['job', 'status', 'workflow', 'progress', 'updated', 'reason']
        .map((c) => h('th', {}, c)))), recent)));
  const latest = new Map();
  const showRecent = () => {
    const jobs = [...latest.values()].sort((a, b) => Number(b.job_id.slice(4)) - Number(a.job_id.slice(4))).slice(0, 10);
    latest.clear();
    jobs.forEach((j) => latest.set(j.job_id, j));
    recent.replaceChildren(...jobs.map((j) => h('tr', { 'data-job': j.job_id },
      h('td', { class: 'mono' }, h('a', { href: '#/jobs/' + j.job_id }, j.job_id)), h('td', {}, badge(j.status)),
      h('td', {}, j.workflow), h('td', {}, j.progress != null ? progressBar(j.progress) : ''),
      h('td', { title: j.updated_at }, ago(j.updated_at)), h('td', {}, j.reason))));
    if (!jobs.length) recent.append(h('tr', {}, h('td', { colspan: 6, class: 'muted' }, 'No jobs yet.')));
  };
  const loadRecent = async () => {
    const page = await api('/api/v1/jobs?order=desc&limit=10');
    latest.clear();
    page.jobs.forEach((j) => latest.set(j.job_id, j));
    showRecent();
  };

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
    const [c, w, copies] = await Promise.all([api('/api/v1/cluster?members=true'), api('/api/v1/workers?consistency=local'),
      api('/api/v1/cluster/consistency').catch(() => null)]);
    const differ = copies && copies.latest && copies.latest.outcome === 'differ' ? copies.latest : null;
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
        h('a', { href: '#/cluster' }, 'Cluster'), ' · ', h('a', { href: '#/workers' }, 'Workers')),
      ...(differ ? [h('p', { id: 'health-copies' }, h('a', { href: '#/cluster' }, badge('copies differ', 'copies-differ')),
        ` at index ${differ.check_index}` + (differ.differing_members.length
          ? ': node ' + differ.differing_members.join(', node ') : ''))] : []));
  };
  const refreshCounts = throttle(() => loadCounts().catch(() => {}), 500);
  const redraw = throttle(showRecent, 200);
  await follow('/api/v1/events', {
    job: (j) => {
      refreshCounts();
      if (!notOlder(j, latest.get(j.job_id))) return;
      const min = Math.min(...[...latest.keys()].map((k) => Number(k.slice(4))));
      if (latest.has(j.job_id) || latest.size < 10 || Number(j.job_id.slice(4)) > min) { latest.set(j.job_id, j); redraw(); }
    },
    resync: () => { refreshCounts(); loadRecent().catch(() => {}); },
  }, page, () => Promise.all([loadCounts(), loadChart(), loadHealth(), loadRecent()]));
  every(5000, () => loadCounts().catch(() => {}), page);
  every(10000, () => loadChart().catch(() => {}), page);
  every(5000, () => loadHealth().catch(() => {}), page);
}
