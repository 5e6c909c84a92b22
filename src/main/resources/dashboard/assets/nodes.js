// Workers (alive or dead, ticket label, worker labels, capacity, running, last heartbeat) and the cluster's members
// and whether their copies agree.
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
  const copies = h('div', { id: 'copies', class: 'copies' });
  app.append(h('h1', {}, 'Cluster'), h('table', { id: 'cluster' },
    h('thead', {}, h('tr', {}, ['node', 'role', 'state', 'health', 'term', 'commit', 'applied', 'lag', 'snapshot', 'leader heard']
      .map((c) => h('th', {}, c)))), tbody), note, h('h2', {}, 'Copies'), copies);
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
  const loadCopies = () => api('/api/v1/cluster/consistency')
    .then((s) => copies.replaceChildren(...copiesLines(s).filter(Boolean)))
    .catch((e) => copies.replaceChildren(h('p', { id: 'copies-line', class: 'muted' }, 'Copies: not read now (' + e.message + ').')));
  await Promise.all([load(), loadCopies()]);
  every(2000, () => { load().catch(() => {}); loadCopies(); }, page);
}

const nodes = (ids) => ids.map((id) => 'node ' + id).join(', ');

/** What the newest consistency check says (GET /api/v1/cluster/consistency), as lines of the Cluster page. */
function copiesLines({ latest: l, last_agreed: agreed }) {
  if (!l) {
    return [h('p', { id: 'copies-line', class: 'muted' }, 'No consistency check has run yet. A lone node makes none (it has no'
      + ' other copy to compare with); the leader of two or more starts one every ', h('code', {}, '[raft] consistency_check_interval_ms'),
      ' (an hour by default), and ', h('code', {}, 'mvm-ci cluster check'), ' starts one now.')];
  }
  const when = h('span', { title: l.requested_at }, ago(l.requested_at));
  const since = agreed && agreed.check_index !== l.check_index
    ? h('p', { id: 'copies-agreed', class: 'muted' }, `Last agreed at index ${agreed.check_index}, `,
      h('span', { title: agreed.requested_at }, ago(agreed.requested_at)), '.')
    : l.outcome !== 'agree' ? h('p', { id: 'copies-agreed', class: 'muted' }, 'No kept check agreed.') : null;
  const others = l.not_compared.length
    ? h('p', { class: 'muted' }, `Not compared (another schema version, a rolling upgrade): ${nodes(l.not_compared)}.`) : null;
  if (l.outcome === 'agree') {
    return [h('p', { id: 'copies-line' }, badge('agree', 'copies-agree'),
      ` Copies agree at index ${l.check_index} (${l.reported} of ${l.members} members, checked `, when, ').'), others];
  }
  if (l.outcome === 'pending') {
    return [h('p', { id: 'copies-line' }, badge('pending', 'copies-pending'),
      ` Check at index ${l.check_index}: ` + (l.reported ? `${l.reported} of ${l.members} members reported so far, alike`
        : `none of the ${l.members} members has reported yet`) + ' (started ', when, ').'),
      since, others];
  }
  const who = l.differing_members.length ? nodes(l.differing_members) : null;
  return [h('p', { id: 'copies-line' }, badge(who ? 'differ: ' + who : 'differ', 'copies-differ'),
    ` Copies differ at index ${l.check_index}: `
    + (who ? `the copy of ${who} is not the majority's` : 'no copy is held by a majority')
    + `; tables ${l.differing_tables.join(', ') || 'none named'} (${l.reported} of ${l.members} members reported, checked `,
    when, '). Rebuild a differing member from the others (README, "Consistency checks").'),
  since, others];
}
