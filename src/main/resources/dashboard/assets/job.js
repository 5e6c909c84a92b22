// One job: status, progress and log lines live; its timeline, attempts, history, output; what it waits
// for, its parent and children; its artifacts (download links); cancel, retry, send a signal.
import { api, badge, h, progressBar, short, stream, throttle, time, toast } from './lib.js';

const FINISHED = ['Completed', 'Failed', 'Cancelled'];

export async function job(app, page, match) {
  const id = match[1];
  const title = h('h1', {}, h('span', { class: 'mono' }, id));
  const cancel = h('button', { class: 'danger', id: 'cancel', disabled: true, onclick: () => act('cancel') }, 'Cancel');
  const retry = h('button', { id: 'retry', disabled: true, onclick: () => act('retry') }, 'Retry now');
  const signalName = h('input', { id: 'signal-name', placeholder: 'signal name', value: 'approve', size: 12 });
  const signalBody = h('input', { id: 'signal-payload', placeholder: 'JSON payload', value: '{}', size: 24 });
  const signal = h('button', { id: 'signal', onclick: () => sendSignal() }, 'Send signal');
  const actions = h('div', { class: 'actions' }, cancel, retry, signalName, signalBody, signal);
  const family = h('div', { id: 'family' });
  const summary = h('div', { class: 'kv', id: 'summary' });
  const progress = h('div', { id: 'progress' });
  const timeline = h('ul', { class: 'timeline', id: 'timeline' });
  const log = h('pre', { class: 'log', id: 'log' });
  const history = h('div', { id: 'history' });
  const result = h('div', { id: 'result' });
  const artifacts = h('div', { id: 'artifacts' });
  app.append(title, h('div', { class: 'grid2' },
    h('div', {},
      h('div', { class: 'panel' }, summary, family, h('h2', {}, 'Progress'), progress, h('h2', {}, 'Actions'), actions),
      h('div', { class: 'panel' }, h('h2', {}, 'Log'), log),
      h('div', { class: 'panel' }, h('h2', {}, 'Run history'), history),
      h('div', { class: 'panel' }, h('h2', {}, 'Output'), result),
      h('div', { class: 'panel' }, h('h2', {}, 'Artifacts'), artifacts)),
    h('div', { class: 'panel' }, h('h2', {}, 'Timeline'), timeline)));

  const show = (j) => {
    title.replaceChildren(h('span', { class: 'mono' }, j.job_id), badge(j.status));
    summary.replaceChildren(...[
      ['workflow', j.workflow], ['module version', short(j.module_sha256) || '(not claimed yet)'],
      ['pinned', short(j.pinned_sha256)], ['attempt', `${j.attempt} (failures ${j.failures} of ${j.max_attempts})`],
      ['execution', j.execution], ['worker', j.worker_id], ['created', time(j.created_at)], ['started', time(j.started_at)],
      ['finished', time(j.finished_at)], ['reason', j.reason], ['url', j.url],
      ['waiting for', j.waiting_for], ['wakes', time(j.wake_at)],
      ['labels', j.labels ? j.labels.join(', ') : null],
      ['concurrency', j.concurrency_key ? `${j.concurrency_key} (limit ${j.concurrency_limit}, ${j.concurrency_policy})` : null],
    ].filter(([, v]) => v !== null && v !== undefined && v !== '').flatMap(([k, v]) => [h('div', {}, k), h('div', {}, String(v))]));
    progress.replaceChildren(progressBar(j.progress, true),
      h('p', { class: 'muted', id: 'progress-text' }, j.progress != null ? `${j.progress}% ${j.progress_message || ''}` : 'no progress reported yet'));
    const finished = FINISHED.includes(j.status);
    signal.disabled = finished;
    family.replaceChildren(
      j.parent_id ? h('p', {}, 'parent ', h('a', { href: '#/jobs/' + j.parent_id, class: 'mono' }, j.parent_id),
        j.detached ? ' (detached: outlives it)' : ' (ends with it)') : '',
      j.children ? h('p', {}, `${j.children.length} children: `, ...j.children.flatMap((c) =>
        [h('a', { href: '#/jobs/' + c, class: 'mono' }, c), ' '])) : '');
    cancel.disabled = finished;
    retry.disabled = !(j.status === 'Failed' || j.status === 'Cancelled');
    result.replaceChildren(
      j.error ? h('p', { class: 'error' }, j.error) : '',
      j.output != null ? h('pre', { id: 'output' }, JSON.stringify(j.output, null, 2)) : h('p', { class: 'muted' }, finished ? 'no output' : 'not finished'),
      h('details', {}, h('summary', {}, 'input'), h('pre', {}, JSON.stringify(j.input, null, 2))));
  };
  const act = async (what) => {
    try {
      full = await api(`/api/v1/jobs/${id}/${what}`, { method: 'POST' });
      show(full);
      toast(what === 'cancel' ? 'Cancelled ' + id : 'Queued ' + id + ' again');
      refreshDetails();
    } catch (e) {
      toast(e.message);
    }
  };
  const sendSignal = async () => {
    try {
      const sent = await api(`/api/v1/jobs/${id}/signals/${encodeURIComponent(signalName.value)}`,
        { method: 'POST', body: signalBody.value, headers: { 'Content-Type': 'application/json' } });
      toast(`Signal ${sent.name} sent` + (sent.woke ? '; the run woke' : ''));
    } catch (e) {
      toast(e.message);
    }
  };
  const loadTimeline = async () => {
    const ev = await api(`/api/v1/jobs/${id}/events`);
    timeline.replaceChildren(...ev.events.map((e) => h('li', {}, h('span', { class: 'when' }, time(e.at)), badge(e.status),
      ' attempt ' + e.attempt + (e.module_sha256 ? ' · ' + short(e.module_sha256) : ''), h('div', {}, e.reason))));
  };
  const loadHistory = async () => {
    const hist = await api(`/api/v1/jobs/${id}/history`);
    if (!hist.executions.length) { history.replaceChildren(h('p', { class: 'muted' }, 'no steps recorded')); return; }
    history.replaceChildren(...hist.executions.map((ex) => h('div', {}, h('h3', {}, 'Execution ' + ex.execution),
      ...ex.attempts.map((at) => h('table', { class: 'steps' },
        h('thead', {}, h('tr', {}, h('th', {}, '#'), h('th', {}, 'attempt ' + at.attempt + ': step'), h('th', {}, 'outcome'), h('th', {}, 'bytes'), h('th', {}, 'ms'))),
        h('tbody', {}, at.steps.map((s) => h('tr', {}, h('td', {}, s.seq), h('td', { class: 'mono' }, s.kind + ' ' + s.summary),
          h('td', {}, s.outcome), h('td', {}, s.result_bytes), h('td', {}, s.duration_ms ?? '')))))))));
  };
  const loadArtifacts = async () => {
    const list = await api(`/api/v1/jobs/${id}/artifacts`);
    if (!list.artifacts.length) { artifacts.replaceChildren(h('p', { class: 'muted' }, 'no artifacts')); return; }
    artifacts.replaceChildren(h('table', { class: 'steps' },
      h('thead', {}, h('tr', {}, h('th', {}, 'name'), h('th', {}, 'bytes'), h('th', {}, 'sha256'), h('th', {}, 'held by'))),
      h('tbody', {}, list.artifacts.map((a) => h('tr', {},
        h('td', {}, h('a', { href: a.url, download: a.name, class: 'artifact' }, a.name)), h('td', {}, a.size),
        h('td', { class: 'mono' }, short(a.sha256)), h('td', {}, a.holders))))));
  };
  const refreshDetails = throttle(() => {
    loadTimeline().catch(() => {}); loadHistory().catch(() => {}); loadArtifacts().catch(() => {});
  }, 400);

  let full = await api(`/api/v1/jobs/${id}`);
  show(full);
  await Promise.all([loadTimeline(), loadHistory(), loadArtifacts().catch(() => {})]);
  stream('/api/v1/events?job=' + id, {
    job: async (j) => {
      // events leave out input and output: keep the last full read's, and read it again once finished
      show(Object.assign({}, full, j, { input: full.input, output: full.output }));
      if (FINISHED.includes(j.status) && j.status !== full.status) { full = await api(`/api/v1/jobs/${id}`); show(full); }
      refreshDetails();
      if (!following && !FINISHED.includes(j.status)) follow();
    },
    resync: async () => { full = await api(`/api/v1/jobs/${id}`); show(full); refreshDetails(); },
  }, page);
  const seen = new Set();
  let following = false;
  const follow = () => {
    following = true;
    const after = seen.size ? '&after=' + Math.max(...seen) : '';
    const es = stream(`/api/v1/jobs/${id}/logs?follow=true${after}`, {
      log: (l) => {
        if (seen.has(l.id)) return;
        seen.add(l.id);
        log.append(h('div', { class: l.level }, h('span', { class: 't' }, new Date(l.at).toLocaleTimeString() + ' '), `[${l.level}] ${l.message}`));
        log.scrollTop = log.scrollHeight;
      },
      end: () => { es.close(); following = false; },
    }, page);
  };
  follow();
}
