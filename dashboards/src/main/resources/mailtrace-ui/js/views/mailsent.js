// "Mail Sent": domain + account + date range + the other API filters, results, details, CSV.
import { api } from '../api.js';
import {
  h, load, emptyState, formatDateTime, formatBytes, formatNumber,
  statusBadge, dkimBadges, copyButton, pageHeader, field, toast, STATUS_LABEL,
} from '../ui.js';

const FILTERS = ['domain', 'account', 'from', 'to', 'recipient', 'status', 'message_id', 'subject',
  'dkim_domain', 'dkim_selector', 'dkim_kind', 'client_ip', 'size'];
const MORE = ['recipient', 'status', 'message_id', 'subject', 'dkim_domain', 'dkim_selector', 'dkim_kind', 'client_ip'];

// <input type=datetime-local> works in local time; the API wants instants.
function localInputToIso(v) {
  if (!v) return '';
  const d = new Date(v);
  return isNaN(d) ? '' : d.toISOString();
}
function isoToLocalInput(iso) {
  const d = new Date(iso);
  if (isNaN(d)) return '';
  const pad = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export function renderMailSent(main, { user, query, navigate }) {
  const initial = Object.fromEntries(FILTERS.map((k) => [k, query.get(k) || '']));
  if (user.scoped && initial.domain && !user.domains.includes(initial.domain)) initial.domain = '';
  if (user.scoped && !initial.domain && user.domains.length === 1) initial.domain = user.domains[0];
  if (!initial.from && !query.has('from')) initial.from = new Date(Date.now() - 24 * 3600 * 1000).toISOString();

  const controls = {};
  const domainCtl = user.scoped
    ? h('select', { name: 'domain' },
      user.domains.length > 1 ? h('option', { value: '' }, 'All my domains') : null,
      user.domains.map((d) => h('option', { value: d }, d)))
    : h('input', { name: 'domain', type: 'text', placeholder: 'example.com', autocomplete: 'off', spellcheck: 'false' });
  controls.domain = domainCtl;
  controls.account = h('input', { name: 'account', type: 'text', placeholder: 'e.g. newsletter', autocomplete: 'off', spellcheck: 'false' });
  controls.from = h('input', { name: 'from', type: 'datetime-local' });
  controls.to = h('input', { name: 'to', type: 'datetime-local' });
  controls.recipient = h('input', { name: 'recipient', type: 'email', placeholder: 'someone@example.net', autocomplete: 'off' });
  controls.status = h('select', { name: 'status' }, h('option', { value: '' }, 'Any status'),
    Object.entries(STATUS_LABEL).map(([v, l]) => h('option', { value: v }, l)));
  controls.message_id = h('input', { name: 'message_id', type: 'text', placeholder: '<id@host>', autocomplete: 'off', spellcheck: 'false' });
  controls.subject = h('input', { name: 'subject', type: 'text', placeholder: 'words in the subject', autocomplete: 'off' });
  controls.dkim_domain = h('input', { name: 'dkim_domain', type: 'text', placeholder: 'd= domain', autocomplete: 'off', spellcheck: 'false' });
  controls.dkim_selector = h('input', { name: 'dkim_selector', type: 'text', placeholder: 's= selector', autocomplete: 'off', spellcheck: 'false' });
  controls.dkim_kind = h('select', { name: 'dkim_kind' }, h('option', { value: '' }, 'Any signature'),
    h('option', { value: 'custom' }, 'Custom signature'), h('option', { value: 'shared' }, 'Shared signature only'));
  controls.client_ip = h('input', { name: 'client_ip', type: 'text', placeholder: '192.0.2.10', autocomplete: 'off', spellcheck: 'false' });
  controls.size = h('select', { name: 'size' }, [25, 50, 100, 200].map((n) => h('option', { value: String(n) }, `${n} per page`)));

  for (const k of FILTERS) {
    const v = initial[k];
    if (k === 'from' || k === 'to') controls[k].value = v ? isoToLocalInput(v) : '';
    else if (v) controls[k].value = v;
  }
  if (!initial.size) controls.size.value = '50';

  const moreOpen = MORE.some((k) => initial[k]);
  const form = h('form', { class: 'card filters', role: 'search', 'aria-label': 'Search sent mail' },
    h('div', { class: 'filter-row' },
      field('Domain', domainCtl),
      field('Account', controls.account),
      field('From (local time)', controls.from),
      field('To (local time)', controls.to),
      h('div', { class: 'field field-actions' },
        h('button', { type: 'submit', class: 'btn btn-primary', id: 'search' }, 'Search'))),
    h('details', { class: 'more-filters', open: moreOpen },
      h('summary', {}, 'More filters'),
      h('div', { class: 'filter-grid' },
        field('Recipient', controls.recipient),
        field('Status', controls.status),
        field('Message-ID', controls.message_id),
        field('Subject', controls.subject),
        field('DKIM domain', controls.dkim_domain),
        field('DKIM selector', controls.dkim_selector),
        field('DKIM signature', controls.dkim_kind),
        field('Client IP', controls.client_ip),
        field('Page size', controls.size)),
      h('div', { class: 'more-actions' },
        h('button', { type: 'button', class: 'btn btn-ghost btn-sm', onclick: () => {
          for (const k of FILTERS) if (k !== 'domain' || !user.scoped) controls[k].value = '';
          controls.size.value = '50';
        } }, 'Clear filters'))));

  const results = h('section', { class: 'card results', 'aria-label': 'Results' });
  const exportBtn = h('button', { type: 'button', class: 'btn', id: 'export-csv' }, 'Export CSV');
  main.append(
    pageHeader('Mail Sent', 'Find a message by domain and account, then open its details.', exportBtn),
    form, results);

  const currentFilters = () => {
    const f = {};
    for (const k of FILTERS) {
      const v = (k === 'from' || k === 'to') ? localInputToIso(controls[k].value) : controls[k].value.trim();
      if (v) f[k] = v;
    }
    return f;
  };

  // Paging: a stack of cursors so the user can also go back.
  let cursors = [null];
  const search = (filters, page) => load(results,
    () => api.searchMail({ ...filters, cursor: cursors[page] || undefined }),
    (data) => renderResults(results, data, filters, page, {
      next: () => { cursors[page + 1] = data.next_cursor; search(filters, page + 1); },
      prev: () => search(filters, page - 1),
    }), 'Searching…');

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const f = currentFilters();
    history.replaceState({}, '', '/mail-sent?' + new URLSearchParams(f).toString());
    cursors = [null];
    search(f, 0);
  });

  exportBtn.addEventListener('click', async () => {
    const f = currentFilters();
    delete f.size;
    exportBtn.disabled = true;
    const label = exportBtn.textContent;
    exportBtn.textContent = 'Exporting…';
    try {
      const res = await api.exportCsv(f);
      const blob = await res.blob();
      const url = URL.createObjectURL(blob);
      const stamp = new Date().toISOString().slice(0, 16).replace(/[:T]/g, '-');
      const a = h('a', { href: url, download: `mail-sent-${f.domain || 'all'}-${stamp}.csv`, class: 'offscreen' });
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10000);
      toast('CSV export downloaded');
    } catch (err) {
      if (err.status !== 401) toast('Export failed: ' + err.message);
    } finally {
      exportBtn.disabled = false;
      exportBtn.textContent = label;
    }
  });

  if (query.toString()) {
    search(currentFilters(), 0);
  } else {
    results.append(emptyState('Search sent mail', 'Pick a domain and an account, then press Search. Leave them empty to see everything you may see.'));
  }
}

function renderResults(target, data, filters, page, { next, prev }) {
  const items = (data && data.items) || [];
  const total = data && data.total ? data.total : { value: items.length, relation: 'eq' };
  if (!items.length && page === 0) {
    target.append(emptyState('No messages match this search', 'Widen the date range or remove a filter.'));
    return;
  }
  const summary = h('div', { class: 'results-head' },
    h('p', { id: 'result-count' },
      h('strong', {}, (total.relation === 'gte' ? 'More than ' : '') + formatNumber(total.value)),
      total.value === 1 ? ' message' : ' messages',
      filters.domain ? [' from ', h('strong', {}, filters.domain)] : null,
      filters.account ? [', account ', h('strong', {}, filters.account)] : null),
    h('div', { class: 'pager' },
      h('span', { class: 'muted' }, `Page ${page + 1}`),
      h('button', { type: 'button', class: 'btn btn-sm', disabled: page === 0, onclick: prev }, '← Previous'),
      h('button', { type: 'button', class: 'btn btn-sm', id: 'next-page', disabled: !data.next_cursor || items.length === 0, onclick: next }, 'Next page →')));

  const table = h('table', { class: 'table', id: 'results-table' },
    h('caption', { class: 'offscreen' }, 'Messages sent, newest first'),
    h('thead', {}, h('tr', {},
      h('th', { scope: 'col' }, 'Date'), h('th', { scope: 'col' }, 'From'), h('th', { scope: 'col' }, 'To'),
      h('th', { scope: 'col' }, 'Subject'), h('th', { scope: 'col' }, 'Status'), h('th', { scope: 'col' }, 'DKIM'),
      h('th', { scope: 'col' }, h('span', { class: 'offscreen' }, 'Actions')))),
    h('tbody', {}, items.map((it) => {
      const rcpts = it.recipients || [];
      const rcptText = rcpts.map((r) => (typeof r === 'string' ? r : r.address));
      return h('tr', { dataset: { id: it.id } },
        h('td', { class: 'nowrap' }, h('time', { datetime: it['@timestamp'] }, formatDateTime(it['@timestamp']))),
        h('td', { class: 'truncate', title: it.header_from || '' }, it.header_from || '—',
          it.account && !(it.header_from || '').includes(it.account) ? h('div', { class: 'sub muted' }, it.account) : null),
        h('td', { class: 'truncate', title: rcptText.join(', ') }, rcptText[0] || '—',
          rcptText.length > 1 ? h('span', { class: 'more-count' }, ` +${rcptText.length - 1}`) : null),
        h('td', { class: 'truncate subject', title: it.subject || '' }, it.subject || h('span', { class: 'muted' }, '(no subject)')),
        h('td', {}, statusBadge(it.status)),
        h('td', {}, dkimBadges(it.dkim)),
        h('td', { class: 'actions' }, h('button', {
          type: 'button', class: 'btn btn-sm show-details', 'aria-label': `Show details of “${it.subject || 'message'}”`,
          onclick: (e) => openDetails(it.id, e.currentTarget),
        }, 'Show details')));
    })));
  target.append(summary, h('div', { class: 'table-wrap' }, table));
  if (!items.length) target.append(emptyState('No more messages', 'This was the last page.'));
}

function openDetails(id, returnFocus) {
  const body = h('div', { class: 'drawer-body' });
  const dlg = h('dialog', { class: 'drawer', 'aria-labelledby': 'details-title', id: 'details' },
    h('div', { class: 'drawer-head' },
      h('h2', { id: 'details-title' }, 'Message details'),
      h('button', { type: 'button', class: 'btn btn-ghost btn-sm', 'aria-label': 'Close details', onclick: () => dlg.close() }, 'Close ✕')),
    body);
  dlg.addEventListener('close', () => { dlg.remove(); if (returnFocus && returnFocus.isConnected) returnFocus.focus(); });
  dlg.addEventListener('click', (e) => { if (e.target === dlg) dlg.close(); });
  document.body.append(dlg);
  dlg.showModal();
  load(body, () => api.mailDetails(id), (rec) => renderDetails(body, rec), 'Loading the message…');
}

function dl(pairs) {
  return h('dl', { class: 'kv' }, pairs.filter(Boolean).map(([k, v]) => [h('dt', {}, k), h('dd', {}, v === undefined || v === null || v === '' ? '—' : v)]));
}

const SKIP_WHY = {
  pending: 'the domain\'s custom key is not verified in DNS yet',
  disabled: 'the domain\'s custom key was disabled',
  from_mismatch: 'the From address is not in the key\'s domain',
  key_unavailable: 'the custom key could not be loaded; the shared signature was kept',
};

function renderDetails(body, r) {
  const tls = r.tls || {};
  const dkim = r.dkim || [];
  const rcpts = r.recipients || [];
  body.append(
    h('section', { class: 'detail-section' },
      h('div', { class: 'detail-title' },
        h('h3', {}, r.subject || '(no subject)'), statusBadge(r.status)),
      r.status_reason ? h('p', { class: 'notice notice-warn' }, r.status_reason) : null,
      dl([
        ['Date', h('time', { datetime: r['@timestamp'] }, formatDateTime(r['@timestamp']))],
        ['From (header)', r.header_from],
        ['From (envelope)', r.envelope_from],
        ['Account', r.account],
        ['Domain', r.domain],
        ['Message-ID', r.message_id ? h('code', {}, r.message_id) : null],
        ['Record id', h('span', { class: 'with-copy' }, h('code', { id: 'record-id' }, r.id), copyButton(r.id, 'Copy record id'))],
      ])),
    h('section', { class: 'detail-section', id: 'dkim-signatures' },
      h('h3', {}, 'DKIM signatures'),
      dkim.length
        ? h('table', { class: 'table table-compact' },
          h('thead', {}, h('tr', {}, ['DKIM domain', 'DKIM selector', 'Kind', 'Algorithm', 'Canonicalization'].map((t) => h('th', { scope: 'col' }, t)))),
          h('tbody', {}, dkim.map((d) => h('tr', { class: 'dkim-row' },
            h('td', { class: 'dkim-domain' }, h('code', {}, d.domain)),
            h('td', { class: 'dkim-selector' }, h('code', {}, d.selector)),
            h('td', {}, h('span', { class: `badge dkim-${d.kind}` }, d.kind)),
            h('td', {}, d.algorithm || '—'),
            h('td', {}, d.canonicalization || '—')))))
        : h('p', { class: 'muted' }, 'This message was not DKIM-signed.'),
      dkim.some((d) => d.headers && d.headers.length)
        ? h('p', { class: 'muted small' }, 'Signed headers: ', dkim[0].headers.join(', ')) : null,
      r.dkim_custom_skipped
        ? h('p', { class: 'notice' }, 'Custom signature not applied: ', SKIP_WHY[r.dkim_custom_skipped] || r.dkim_custom_skipped, '.')
        : null),
    h('section', { class: 'detail-section' },
      h('h3', {}, `Recipients (${rcpts.length})`),
      h('table', { class: 'table table-compact' },
        h('thead', {}, h('tr', {}, ['Recipient', 'Status', 'Next-hop response', 'Next hop'].map((t) => h('th', { scope: 'col' }, t)))),
        h('tbody', {}, rcpts.map((x) => h('tr', {},
          h('td', {}, x.address),
          h('td', {}, statusBadge(x.status)),
          h('td', { class: 'response' }, x.response ? h('code', {}, x.response) : '—'),
          h('td', {}, x.relay || '—')))))),
    h('section', { class: 'detail-section' },
      h('h3', {}, 'Connection'),
      dl([
        ['Client', [r.client_ip || '—', r.client_helo ? h('span', { class: 'muted' }, ` (HELO ${r.client_helo})`) : null]],
        ['TLS', tls.enabled ? `${tls.protocol || 'TLS'}${tls.cipher ? ' · ' + tls.cipher : ''}` : 'Not used'],
        ['Size', formatBytes(r.size_bytes)],
        ['Signer node', r.node],
      ])));
}

