// Overview: volume over time by status, custom vs shared-only share, top accounts.
import { api } from '../api.js';
import { h, load, emptyState, formatNumber, pageHeader, field, STATUS_LABEL } from '../ui.js';
import { stackedBars, donut, hbars, legend, STATUS_COLORS } from '../charts.js';

const RANGES = { '24h': ['Last 24 hours', 24 * 3600e3], '7d': ['Last 7 days', 7 * 86400e3], '30d': ['Last 30 days', 30 * 86400e3] };

const num = (v) => (typeof v === 'number' ? v : v && typeof v === 'object' ? (v.value ?? v.count ?? v.doc_count ?? 0) : Number(v) || 0);

function counts(obj) {
  // Accepts {relayed: 3, …}, [{status|key, count|doc_count}] or ES-like {buckets:[…]}.
  if (!obj) return {};
  if (Array.isArray(obj.buckets)) obj = obj.buckets;
  if (Array.isArray(obj)) return Object.fromEntries(obj.map((b) => [b.status || b.key || b.kind, num(b.count ?? b.doc_count ?? b.value)]));
  if (obj.buckets && typeof obj.buckets === 'object') obj = obj.buckets;
  return Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, num(v)]));
}

/**
 * Normalises the /stats answer: {total, by_status:{relayed,…}, by_dkim:{custom, shared_only},
 * top_accounts:[{account,count}], over_time:[{start,count,by_status,by_dkim}]} (tolerant of
 * small shape differences).
 */
export function normaliseStats(d) {
  d = d || {};
  const series = d.over_time || d.histogram || d.timeline || [];
  const buckets = (Array.isArray(series) ? series : series.buckets || []).map((b) => ({
    time: new Date(b.start ?? b.time ?? b.timestamp ?? b.key_as_string ?? b.key ?? b.from),
    counts: counts(b.by_status || b.status || b.counts || {}),
  }));
  const byStatus = Object.keys(counts(d.by_status)).length ? counts(d.by_status)
    : buckets.reduce((acc, b) => { for (const [k, v] of Object.entries(b.counts)) acc[k] = (acc[k] || 0) + v; return acc; }, {});
  const dk = counts(d.by_dkim_kind || d.by_dkim || d.dkim || {});
  const total = num(d.total) || Object.values(byStatus).reduce((a, b) => a + b, 0);
  const custom = dk.custom || 0;
  const sharedOnly = dk.shared_only ?? dk.shared ?? Math.max(0, total - custom);
  const top = (d.top_accounts?.buckets || d.top_accounts || []).map((a) => ({
    label: a.account || a.key || '(none)', value: num(a.count ?? a.doc_count ?? a.value),
  }));
  return { buckets, byStatus, total, custom, sharedOnly, top };
}

export function renderOverview(main, { user, query }) {
  const domainCtl = user.scoped
    ? h('select', { name: 'domain' }, user.domains.length > 1 ? h('option', { value: '' }, 'All my domains') : null,
      user.domains.map((d) => h('option', { value: d }, d)))
    : h('input', { name: 'domain', type: 'text', placeholder: 'All domains', autocomplete: 'off', spellcheck: 'false' });
  const rangeCtl = h('select', { name: 'range' }, Object.entries(RANGES).map(([k, [l]]) => h('option', { value: k }, l)));
  const d0 = query.get('domain');
  if (d0 && (!user.scoped || user.domains.includes(d0))) domainCtl.value = d0;
  if (RANGES[query.get('range')]) rangeCtl.value = query.get('range');

  const form = h('form', { class: 'toolbar', 'aria-label': 'Overview filters' },
    field('Domain', domainCtl), field('Period', rangeCtl),
    h('div', { class: 'field field-actions' }, h('button', { type: 'submit', class: 'btn' }, 'Update')));
  const body = h('div', { class: 'overview', id: 'overview' });
  main.append(pageHeader('Overview', user.scoped ? `Mail sent by ${user.domains.join(', ')}` : 'Mail sent across the platform'), form, body);

  const run = () => {
    const range = rangeCtl.value;
    const q = { domain: domainCtl.value.trim() || undefined, from: new Date(Date.now() - RANGES[range][1]).toISOString(), to: new Date().toISOString() };
    history.replaceState({}, '', '/overview?' + new URLSearchParams({ ...(q.domain ? { domain: q.domain } : {}), range }).toString());
    load(body, () => api.stats(q), (data) => renderStats(body, normaliseStats(data), q), 'Loading statistics…');
  };
  form.addEventListener('submit', (e) => { e.preventDefault(); run(); });
  rangeCtl.addEventListener('change', run);
  if (user.scoped) domainCtl.addEventListener('change', run);
  run();
}

function kpi(label, value, sub, tone) {
  return h('div', { class: `kpi ${tone ? 'kpi-' + tone : ''}` },
    h('div', { class: 'kpi-label' }, label), h('div', { class: 'kpi-value' }, value), sub ? h('div', { class: 'kpi-sub muted' }, sub) : null);
}

const pct = (a, b) => (b ? `${Math.round((a / b) * 1000) / 10}%` : '—');

function renderStats(body, st, q) {
  if (!st.total) {
    body.append(emptyState('No mail in this period', q.domain ? `Nothing was sent from ${q.domain} in the selected period.` : 'Nothing was sent in the selected period.'));
    return;
  }
  const bs = st.byStatus;
  const problems = (bs.deferred || 0) + (bs.rejected || 0);
  body.append(
    h('div', { class: 'kpis' },
      kpi('Messages', formatNumber(st.total)),
      kpi('Relayed', pct(bs.relayed || 0, st.total), `${formatNumber(bs.relayed || 0)} messages`, 'ok'),
      kpi('Deferred or rejected', formatNumber(problems), pct(problems, st.total) + ' of all mail', problems ? 'bad' : null),
      kpi('With custom signature', pct(st.custom, st.total), `${formatNumber(st.custom)} messages`, 'accent')),
    h('div', { class: 'grid-2' },
      h('figure', { class: 'card chart-card wide', id: 'chart-volume' },
        h('figcaption', {}, h('h2', {}, 'Volume over time'), legend(Object.keys(STATUS_COLORS).map((k) => [STATUS_LABEL[k], STATUS_COLORS[k]]))),
        st.buckets.length ? stackedBars(st.buckets, { width: Math.max(600, body.clientWidth - 42), height: 280 }) : h('p', { class: 'muted' }, 'No time series.')),
      h('figure', { class: 'card chart-card', id: 'chart-dkim' },
        h('figcaption', {}, h('h2', {}, 'DKIM signatures')),
        h('div', { class: 'donut-wrap' },
          donut([{ label: 'Custom + shared', value: st.custom, color: '#2f5bd3' }, { label: 'Shared only', value: st.sharedOnly, color: '#b8c2d6' }], 'custom'),
          legend([[`Custom + shared · ${formatNumber(st.custom)}`, '#2f5bd3'], [`Shared only · ${formatNumber(st.sharedOnly)}`, '#b8c2d6']]))),
      h('figure', { class: 'card chart-card', id: 'chart-accounts' },
        h('figcaption', {}, h('h2', {}, 'Top accounts')),
        st.top.length ? hbars(st.top.slice(0, 10)) : h('p', { class: 'muted' }, 'No accounts.'))));
}
