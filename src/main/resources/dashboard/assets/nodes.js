// Workers (alive or dead, ticket label, worker labels, capacity, running, last heartbeat) and the cluster's members.
import { ago, api, badge, every, h } from './lib.js';

export async function workers(app, page) {
  const tbody = h('tbody', { id: 'workers-body' });
  app.append(h('h1', {}, 'Workers'), h('table', { id: 'workers' },
    h('thead', {}, h('tr', {}, ['worker', 'kind', 'label', 'labels', 'status', 'capacity', 'running', 'last heartbeat', 'started']
      .map((c) => h('th', {}, c)))), tbody));
  const load = async () => {
    const w = await api('/api/v1/workers?consistency=local');
    tbody.replaceChildren(...w.workers.map((x) => h('tr', {},
      h('td', { class: 'mono' }, x.worker_id), h('td', {}, x.kind + (x.node_id != null ? ' ' + x.node_id : '')),
      h('td', {}, x.label || ''),
      h('td', { class: 'labels' }, (x.labels || []).map((l) => h('span', { class: 'label' }, l))), h('td', {}, badge(x.status)), h('td', {}, x.capacity),
      h('td', {}, h('a', { href: '#/jobs?status=InProgress' }, x.running)),
      h('td', { title: x.last_seen }, ago(x.last_seen)), h('td', { title: x.started_at }, ago(x.started_at)))));
    if (!w.workers.length) tbody.append(h('tr', {}, h('td', { colspan: 9, class: 'muted' }, 'No worker has beaten yet.')));
  };
  await load();
  every(2000, () => load().catch(() => {}), page);
}

export async function cluster(app, page) {
  const tbody = h('tbody', { id: 'cluster-body' });
  const note = h('p', { class: 'muted' });
  app.append(h('h1', {}, 'Cluster'), h('table', { id: 'cluster' },
    h('thead', {}, h('tr', {}, ['node', 'role', 'state', 'health', 'term', 'commit', 'applied', 'lag', 'snapshot', 'leader heard']
      .map((c) => h('th', {}, c)))), tbody), note);
  const load = async () => {
    const c = await api('/api/v1/cluster?members=true');
    const http = new Map(c.members.map((m) => [m.id, m.http]));
    const views = [c, ...(c.peers || [])].sort((a, b) => a.node_id - b.node_id);
    tbody.replaceChildren(...views.map((v) => v.state === 'unreachable'
      ? h('tr', {}, h('td', {}, 'node ' + v.node_id + ' ', h('span', { class: 'muted' }, http.get(v.node_id) || '')),
        h('td', {}, badge('unreachable')), h('td', { colspan: 8, class: 'muted' }, v.error))
      : h('tr', {}, h('td', {}, 'node ' + v.node_id + ' ', h('span', { class: 'muted' }, http.get(v.node_id) || ''),
        v.node_id === c.node_id ? h('span', { class: 'muted' }, ' (this node)') : ''),
        h('td', {}, badge(v.role)), h('td', {}, v.state),
        h('td', {}, v.ready ? badge('ready') : h('span', {}, badge('not ready', 'notready'), ' ', v.not_ready || '')),
        h('td', {}, v.term), h('td', { class: 'mono' }, v.commit_index), h('td', { class: 'mono' }, v.applied_index),
        h('td', {}, v.apply_lag ?? ''),
        h('td', {}, (v.snapshot_index >= 0 ? 'at ' + v.snapshot_index : 'none') + ` (taken ${v.snapshots_taken ?? 0}, installed ${v.snapshots_installed ?? 0})`),
        h('td', {}, v.ms_since_leader_contact != null ? v.ms_since_leader_contact + ' ms ago' : ''))));
    note.textContent = c.leader_id != null ? `Leader: node ${c.leader_id} (${c.leader_http}), term ${c.term}.` : 'No leader known: an election may be under way.';
  };
  await load();
  every(2000, () => load().catch(() => {}), page);
}
