// Jobs: filter by status, workflow and labels, search by id, keyset paging (newest first), rows live.
import { ago, api, badge, follow, h, notOlder, progressBar, STATUSES } from './lib.js';

const PAGE = 50;

export async function jobs(app, page) {
  const params = new URLSearchParams((location.hash.split('?')[1]) || '');
  const filter = { status: params.get('status') || '', workflow: params.get('workflow') || '', label: params.get('label') || '', q: params.get('q') || '' };
  const statusSel = h('select', { name: 'status', 'aria-label': 'status' }, h('option', { value: '' }, 'every status'),
    STATUSES.map((s) => h('option', { value: s, selected: s === filter.status }, s)));
  const workflowSel = h('select', { name: 'workflow', 'aria-label': 'workflow' }, h('option', { value: '' }, 'every workflow'));
  const labelIn = h('input', { name: 'label', type: 'search', 'aria-label': 'label', placeholder: 'labels, e.g. gpu,arm64', value: filter.label });
  const search = h('input', { name: 'q', type: 'search', placeholder: 'job id, e.g. job-42', value: filter.q });
  const apply = () => {
    const p = new URLSearchParams();
    if (statusSel.value) p.set('status', statusSel.value);
    if (workflowSel.value) p.set('workflow', workflowSel.value);
    const labels = labelIn.value.split(/[,\s]+/).filter((l) => l).join(',');
    if (labels) p.set('label', labels);
    if (search.value.trim()) p.set('q', search.value.trim());
    location.hash = '#/jobs' + (p.toString() ? '?' + p : '');
  };
  statusSel.addEventListener('change', apply);
  workflowSel.addEventListener('change', apply);
  const form = h('form', { class: 'filters', onsubmit: (e) => { e.preventDefault(); apply(); } },
    statusSel, workflowSel, labelIn, search, h('button', { type: 'submit' }, 'Search'));
  const tbody = h('tbody', { id: 'jobs-body' });
  const older = h('button', { id: 'older' }, 'Older →');
  const newer = h('button', { id: 'newer' }, '← Newer');
  const info = h('span', { class: 'muted' });
  app.append(h('h1', {}, 'Jobs'), form,
    h('table', { id: 'jobs' }, h('thead', {}, h('tr', {}, ['job', 'status', 'workflow', 'labels', 'progress', 'attempt', 'worker', 'updated', 'reason']
      .map((c) => h('th', {}, c)))), tbody),
    h('div', { class: 'pager' }, newer, older, info));

  api('/api/v1/modules?consistency=local').then((mods) => {
    const names = [...new Set(mods.map((m) => m.name))].sort();
    if (filter.workflow && !names.includes(filter.workflow)) names.push(filter.workflow);
    workflowSel.append(...names.map((n) => h('option', { value: n, selected: n === filter.workflow }, n)));
  }).catch(() => {});

  const query = new URLSearchParams({ order: 'desc', limit: PAGE });
  if (filter.status) query.set('status', filter.status);
  if (filter.workflow) query.set('workflow', filter.workflow);
  if (filter.label) query.set('label', filter.label);
  if (filter.q) query.set('job', filter.q);
  const cursors = [null];
  let at = 0;
  let next = null;
  const rows = new Map();

  const load = async () => {
    const q = new URLSearchParams(query);
    if (cursors[at]) q.set('cursor', cursors[at]);
    const r = await api('/api/v1/jobs?' + q);
    next = r.next_cursor;
    rows.clear();
    tbody.replaceChildren(...r.jobs.map((j) => row(j, false)));
    if (!r.jobs.length) tbody.append(h('tr', {}, h('td', { colspan: 9, class: 'muted' }, 'No jobs match.')));
    older.disabled = !next;
    newer.disabled = at === 0;
    info.textContent = at === 0 ? 'newest first, live' : 'page ' + (at + 1);
  };
  const row = (j, flash) => {
    const tr = h('tr', { 'data-job': j.job_id, 'data-updated': j.updated_at, class: flash ? 'flash' : null },
      h('td', { class: 'mono' }, h('a', { href: '#/jobs/' + j.job_id }, j.job_id)),
      h('td', {}, badge(j.status)),
      h('td', {}, j.workflow),
      h('td', { class: 'labels' }, (j.labels || []).map((l) => h('span', { class: 'label' }, l))),
      h('td', {}, j.progress != null ? progressBar(j.progress) : ''),
      h('td', {}, j.attempt + ' / ' + j.max_attempts),
      h('td', { class: 'mono' }, j.worker_id || ''),
      h('td', { title: j.updated_at }, ago(j.updated_at)),
      h('td', {}, j.reason));
    rows.set(j.job_id, tr);
    return tr;
  };
  const matches = (j) => (!filter.status || j.status === filter.status)
    && (!filter.workflow || j.workflow === filter.workflow) && (!filter.q || j.job_id === filter.q)
    && filter.label.split(',').filter((l) => l).every((l) => (j.labels || []).includes(l));
  const onJob = (j) => {
    const existing = rows.get(j.job_id);
    if (existing) {
      if (!notOlder(j, { updated_at: existing.dataset.updated })) return;
      if (!matches(j) && filter.status) { existing.remove(); rows.delete(j.job_id); return; }
      existing.replaceWith(row(j, true));
      return;
    }
    if (at !== 0 || !matches(j)) return;
    const n = Number(j.job_id.slice(4));
    const first = tbody.querySelector('tr[data-job]');
    if (first && Number(first.dataset.job.slice(4)) > n) return; // an older job: not on the newest page
    tbody.querySelector('tr:not([data-job])')?.remove();
    tbody.prepend(row(j, true));
    const all = tbody.querySelectorAll('tr[data-job]');
    if (all.length > PAGE) { const last = all[all.length - 1]; rows.delete(last.dataset.job); last.remove(); }
  };
  older.addEventListener('click', async () => { cursors[at + 1] = next; at++; await load(); });
  newer.addEventListener('click', async () => { at = Math.max(0, at - 1); await load(); });
  const es = new URLSearchParams();
  if (filter.workflow) es.set('workflow', filter.workflow);
  if (filter.label) es.set('label', filter.label);
  if (filter.q) es.set('job', filter.q);
  await follow('/api/v1/events' + (es.toString() ? '?' + es : ''), { job: onJob, resync: () => load().catch(() => {}) }, page, load);
}
