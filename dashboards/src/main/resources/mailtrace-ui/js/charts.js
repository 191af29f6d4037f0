// Hand-made SVG charts (no library: nothing may be fetched at run time).
import { h, s, formatNumber } from './ui.js';

export const STATUS_COLORS = { relayed: '#2f9e6e', partial: '#d9a21b', deferred: '#e07b39', rejected: '#d2463c' };
const STATUSES = ['relayed', 'partial', 'deferred', 'rejected'];

// Four gridline steps of a round size that together cover v.
function niceMax(v) {
  const raw = Math.max(v, 4) / 4;
  const p = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 3, 4, 5, 6, 8, 10].map((m) => m * p).find((x) => x >= raw);
  return step * 4;
}

function tickLabel(date, spanMs) {
  const opts = spanMs > 2 * 86400000 ? { month: 'short', day: 'numeric' } : { hour: '2-digit', minute: '2-digit' };
  return new Intl.DateTimeFormat(undefined, opts).format(date);
}

export function legend(entries) {
  return h('ul', { class: 'legend' }, entries.map(([label, color]) =>
    h('li', {}, h('span', { class: 'swatch', style: `background:${color}` }), label)));
}

/** Stacked columns: one per time bucket, stacked by status. */
export function stackedBars(buckets, { width = 720, height = 260 } = {}) {
  const pad = { l: 44, r: 12, t: 12, b: 28 };
  const iw = width - pad.l - pad.r;
  const ih = height - pad.t - pad.b;
  const totals = buckets.map((b) => STATUSES.reduce((a, k) => a + (b.counts[k] || 0), 0));
  const max = niceMax(Math.max(1, ...totals));
  const n = Math.max(buckets.length, 1);
  const slot = iw / n;
  const bw = Math.max(2, Math.min(28, slot * 0.7));
  const y = (v) => pad.t + ih - (v / max) * ih;
  const svg = s('svg', { viewBox: `0 0 ${width} ${height}`, width, height, class: 'chart', role: 'img',
    'aria-label': `Messages over time by status; ${formatNumber(totals.reduce((a, b) => a + b, 0))} in total` });
  for (let i = 0; i <= 4; i++) {
    const v = (max / 4) * i;
    svg.append(s('line', { x1: pad.l, x2: width - pad.r, y1: y(v), y2: y(v), class: 'grid' }),
      s('text', { x: pad.l - 8, y: y(v) + 4, 'text-anchor': 'end', class: 'axis' }, formatNumber(Math.round(v))));
  }
  const span = buckets.length > 1 ? buckets[buckets.length - 1].time - buckets[0].time : 0;
  const every = Math.max(1, Math.ceil(n / 8));
  buckets.forEach((b, i) => {
    const x = pad.l + i * slot + (slot - bw) / 2;
    let acc = 0;
    const g = s('g', {}, s('title', {}, `${b.time.toLocaleString()}: ` +
      STATUSES.filter((k) => b.counts[k]).map((k) => `${b.counts[k]} ${k}`).join(', ') || 'no mail'));
    for (const k of STATUSES) {
      const v = b.counts[k] || 0;
      if (!v) continue;
      const y0 = y(acc + v);
      g.append(s('rect', { x, y: y0, width: bw, height: Math.max(1, y(acc) - y0), fill: STATUS_COLORS[k], rx: 1.5 }));
      acc += v;
    }
    svg.append(g);
    if (i % every === 0) {
      svg.append(s('text', { x: x + bw / 2, y: height - 8, 'text-anchor': 'middle', class: 'axis' }, tickLabel(b.time, span)));
    }
  });
  svg.append(s('line', { x1: pad.l, x2: width - pad.r, y1: y(0), y2: y(0), class: 'baseline' }));
  return svg;
}

/** A donut with the share of the first slice written in the middle. */
export function donut(slices, centerLabel) {
  const total = slices.reduce((a, x) => a + x.value, 0);
  const r = 70; const c = 2 * Math.PI * r;
  const svg = s('svg', { viewBox: '0 0 200 200', class: 'chart donut', role: 'img',
    'aria-label': slices.map((x) => `${x.label}: ${formatNumber(x.value)}`).join('; ') });
  svg.append(s('circle', { cx: 100, cy: 100, r, fill: 'none', stroke: '#e8ebf1', 'stroke-width': 26 }));
  let off = 0;
  for (const x of slices) {
    if (!total || !x.value) continue;
    const len = (x.value / total) * c;
    svg.append(s('circle', { cx: 100, cy: 100, r, fill: 'none', stroke: x.color, 'stroke-width': 26,
      'stroke-dasharray': `${len} ${c - len}`, 'stroke-dashoffset': -off, transform: 'rotate(-90 100 100)' },
    s('title', {}, `${x.label}: ${formatNumber(x.value)}`)));
    off += len;
  }
  const pct = total ? Math.round((slices[0].value / total) * 100) : 0;
  svg.append(s('text', { x: 100, y: 100, 'text-anchor': 'middle', class: 'donut-value' }, total ? `${pct}%` : '—'),
    s('text', { x: 100, y: 122, 'text-anchor': 'middle', class: 'donut-label' }, centerLabel));
  return svg;
}

/** Horizontal bars with the label on the left and the count on the right. */
export function hbars(rows, color = '#2f5bd3') {
  const max = Math.max(1, ...rows.map((r) => r.value));
  return h('ol', { class: 'hbars' }, rows.map((r) => h('li', {},
    h('span', { class: 'hbar-label', title: r.label }, r.label),
    h('span', { class: 'hbar-track' }, h('span', { class: 'hbar-fill', style: `width:${(r.value / max) * 100}%;background:${color}` })),
    h('span', { class: 'hbar-value' }, formatNumber(r.value)))));
}
