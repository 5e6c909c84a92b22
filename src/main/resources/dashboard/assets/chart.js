// A small SVG line chart: several series of per-second rates over time, no library.
const NS = 'http://www.w3.org/2000/svg';

function el(tag, attrs) {
  const e = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  return e;
}

/** series: [{name, color, values: [numbers]}]; start: Date of the first point; step: seconds. */
export function lineChart(series, start, step) {
  const W = 800, H = 220, L = 44, R = 10, T = 10, B = 24;
  const n = Math.max(...series.map((s) => s.values.length), 2);
  const max = niceMax(Math.max(1, ...series.flatMap((s) => s.values)));
  const svg = el('svg', { viewBox: `0 0 ${W} ${H}`, preserveAspectRatio: 'none', role: 'img', 'aria-label': 'throughput chart' });
  const x = (i) => L + (i / (n - 1)) * (W - L - R);
  const y = (v) => T + (1 - v / max) * (H - T - B);
  for (let k = 0; k <= 4; k++) {
    const v = (max * k) / 4;
    svg.append(el('line', { x1: L, x2: W - R, y1: y(v), y2: y(v), stroke: '#e3e6ea', 'stroke-width': 1 }));
    const label = el('text', { x: L - 6, y: y(v) + 4, 'text-anchor': 'end', 'font-size': 11, fill: '#6b7280' });
    label.textContent = fmt(v);
    svg.append(label);
  }
  for (let k = 0; k <= 6; k++) {
    const i = Math.round(((n - 1) * k) / 6);
    const t = new Date(start.getTime() + i * step * 1000);
    const label = el('text', { x: x(i), y: H - 6, 'text-anchor': 'middle', 'font-size': 11, fill: '#6b7280' });
    label.textContent = t.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
    svg.append(label);
  }
  for (const s of series) {
    const points = s.values.map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(' ');
    svg.append(el('polyline', { points, fill: 'none', stroke: s.color, 'stroke-width': 2, 'stroke-linejoin': 'round' }));
  }
  return svg;
}

function niceMax(v) {
  const p = Math.pow(10, Math.floor(Math.log10(v)));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

function fmt(v) { return v >= 100 ? Math.round(v).toString() : v >= 10 ? (Math.round(v * 10) / 10).toString() : (Math.round(v * 100) / 100).toString(); }
