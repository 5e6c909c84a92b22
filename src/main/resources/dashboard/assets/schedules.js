// Schedules: every cron schedule with its next fire and counts; create one, pause, resume, trigger, delete;
// a schedule's page lists its latest fires (the time each stands for, why, what it did, its job).
import { ago, api, badge, every, h, time, toast } from './lib.js';

const json = { 'Content-Type': 'application/json' };
const path = (id) => '/api/v1/schedules/' + encodeURIComponent(id);

async function act(method, url, what, then) {
  try {
    const r = await api(url, { method, headers: json });
    toast(what + (r && r.job_id ? ' ' + r.outcome + ' ' + r.job_id : ''));
    then();
  } catch (err) {
    toast(err.message);
  }
}

function actions(s, then) {
  return h('span', { class: 'actions' },
    s.paused ? h('button', { 'data-action': 'resume', onclick: () => act('POST', path(s.id) + '/resume', 'Resumed ' + s.id, then) }, 'Resume')
      : h('button', { 'data-action': 'pause', onclick: () => act('POST', path(s.id) + '/pause', 'Paused ' + s.id, then) }, 'Pause'),
    h('button', { 'data-action': 'trigger', onclick: () => act('POST', path(s.id) + '/trigger', 'Triggered ' + s.id + ':', then) }, 'Run now'),
    h('button', { class: 'danger', 'data-action': 'delete', onclick: () => {
      if (confirm('Delete schedule ' + s.id + '? Its jobs stay.')) act('DELETE', path(s.id), 'Deleted ' + s.id, then);
    } }, 'Delete'));
}

const next = (s) => (s.paused ? badge('paused', 'Cancelled') : h('span', { title: time(s.next_fire_at) }, ago(s.next_fire_at)));
const jobLink = (id) => (id ? h('a', { href: '#/jobs/' + id }, id) : '');

export async function schedules(app, page) {
  const tbody = h('tbody', { id: 'schedules-body' });
  const field = (name, attrs) => h('input', Object.assign({ name, placeholder: name }, attrs || {}));
  const id = field('id', { required: true, pattern: '[a-z0-9][a-z0-9_.\\-]{0,63}' });
  const cron = field('cron', { required: true, placeholder: 'cron: 0 30 2 * * *' });
  const zone = field('time_zone', { value: Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC' });
  const workflow = field('workflow', { required: true });
  const input = field('input', { placeholder: 'input (JSON)' });
  const select = (name, options) => h('select', { name }, options.map((o) => h('option', { value: o }, name + ': ' + o)));
  const overlap = select('overlap', ['skip', 'queue', 'allow']);
  const catchUp = select('catch_up', ['none', 'last']);
  const out = h('div', { id: 'create-result' });
  const form = h('form', { class: 'filters', id: 'create-schedule', onsubmit: async (e) => {
    e.preventDefault();
    const body = { id: id.value, cron: cron.value, time_zone: zone.value || 'UTC', overlap: overlap.value,
      catch_up: catchUp.value, job: { workflow: workflow.value } };
    try {
      if (input.value.trim()) body.job.input = JSON.parse(input.value);
      const s = await api('/api/v1/schedules', { method: 'POST', headers: json, body: JSON.stringify(body) });
      out.replaceChildren(h('p', {}, `Created ${s.id}: next fire ${time(s.next_fire_at)}`));
      load();
    } catch (err) {
      out.replaceChildren(h('p', { class: 'error' }, err.message));
    }
  } }, id, cron, zone, workflow, input, overlap, catchUp, h('button', { class: 'primary', type: 'submit' }, 'Create'));
  app.append(h('h1', {}, 'Schedules'), h('table', { id: 'schedules' },
    h('thead', {}, h('tr', {}, ['schedule', 'cron', 'time zone', 'workflow', 'overlap', 'catch-up', 'next fire', 'last job',
      'submitted', 'skipped', 'missed', ''].map((c) => h('th', {}, c)))), tbody),
  h('div', { class: 'panel' }, h('h2', {}, 'Create a schedule'), h('p', { class: 'muted' },
    'Six cron fields (second minute hour day month weekday), five (minute first) or a macro such as @daily, read in the time zone. '
    + 'The leader fires it; each fire submits the job once, keyed schedule:<id>:<fire time>.'), form, out));
  const load = async () => {
    const page1 = await api('/api/v1/schedules?consistency=local');
    tbody.replaceChildren(...page1.schedules.map((s) => h('tr', { 'data-schedule': s.id },
      h('td', {}, h('a', { href: '#/schedules/' + encodeURIComponent(s.id) }, s.id)), h('td', { class: 'mono' }, s.cron),
      h('td', {}, s.time_zone), h('td', {}, s.job.workflow), h('td', {}, s.overlap), h('td', {}, s.catch_up),
      h('td', {}, next(s)), h('td', {}, jobLink(s.last_job_id)), h('td', {}, s.counts.submitted),
      h('td', {}, s.counts.skipped), h('td', {}, s.counts.missed), h('td', {}, actions(s, load)))));
    if (!page1.schedules.length) tbody.append(h('tr', {}, h('td', { colspan: 12, class: 'muted' }, 'No schedule yet.')));
  };
  await load();
  every(2000, () => load().catch(() => {}), page);
}

export async function schedule(app, page, m) {
  const id = decodeURIComponent(m[1]);
  const head = h('div', { id: 'schedule-summary' });
  const tbody = h('tbody', { id: 'fires-body' });
  app.append(h('p', {}, h('a', { href: '#/schedules' }, '← Schedules')), head, h('h2', {}, 'Latest fires'),
    h('table', { id: 'fires' }, h('thead', {}, h('tr', {}, ['fire time', 'made', 'late', 'kind', 'outcome', 'job', 'detail']
      .map((c) => h('th', {}, c)))), tbody));
  const load = async () => {
    let s;
    try {
      s = await api(path(id) + '?fires=50&consistency=local');
    } catch (err) {
      if (err.status === 404) { head.replaceChildren(h('h1', {}, id), h('p', { class: 'muted' }, 'No such schedule (deleted?).')); return; }
      throw err;
    }
    head.replaceChildren(h('h1', {}, s.id, ' ', s.paused ? badge('paused', 'Cancelled') : badge('active', 'Completed')),
      h('p', { class: 'mono' }, `${s.cron} (${s.time_zone}) → ${s.job.workflow}`), h('p', {},
        `overlap ${s.overlap} · catch-up ${s.catch_up} · next fire `, next(s), ` · submitted ${s.counts.submitted}, `
        + `skipped ${s.counts.skipped}, missed ${s.counts.missed}`), actions(s, load));
    tbody.replaceChildren(...s.recent_fires.map((f) => h('tr', {},
      h('td', { title: f.fire_time }, time(f.fire_time)), h('td', { title: f.at }, time(f.at)),
      h('td', {}, (f.lateness_ms / 1000).toFixed(1) + ' s'), h('td', {}, f.kind), h('td', {}, badge(f.outcome, 'fire-' + f.outcome)),
      h('td', {}, jobLink(f.job_id)), h('td', {}, f.detail || ''))));
    if (!s.recent_fires.length) tbody.append(h('tr', {}, h('td', { colspan: 7, class: 'muted' }, 'It has not fired yet.')));
  };
  await load();
  every(2000, () => load().catch(() => {}), page);
}
