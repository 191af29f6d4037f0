// Small DOM helpers shared by the views. Text always goes in as text nodes (never innerHTML).

export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') el.className = v;
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (v === true) el.setAttribute(k, '');
    else el.setAttribute(k, v);
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children) {
    if (c === undefined || c === null || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

const SVG_NS = 'http://www.w3.org/2000/svg';
export function s(tag, attrs, ...children) {
  const el = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v !== undefined && v !== null) el.setAttribute(k, v);
  }
  for (const c of children.flat()) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

export function clear(el) {
  while (el.firstChild) el.firstChild.remove();
  return el;
}

const dateTimeFmt = new Intl.DateTimeFormat(undefined, {
  year: 'numeric', month: 'short', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
});
export function formatDateTime(iso) {
  if (!iso) return '—';
  const d = new Date(iso);
  return isNaN(d) ? String(iso) : dateTimeFmt.format(d);
}

export function formatBytes(n) {
  if (n === undefined || n === null || isNaN(n)) return '—';
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

export function formatNumber(n) {
  return new Intl.NumberFormat().format(n || 0);
}

/** "3 days 4 hours" style duration until the given instant. */
export function timeLeft(iso) {
  const ms = new Date(iso) - Date.now();
  if (isNaN(ms)) return '—';
  if (ms <= 0) return 'any moment now';
  const mins = Math.floor(ms / 60000);
  const days = Math.floor(mins / 1440);
  const hours = Math.floor((mins % 1440) / 60);
  const m = mins % 60;
  const parts = [];
  if (days) parts.push(`${days} day${days === 1 ? '' : 's'}`);
  if (hours) parts.push(`${hours} hour${hours === 1 ? '' : 's'}`);
  if (!days && m) parts.push(`${m} minute${m === 1 ? '' : 's'}`);
  return parts.join(' ') || 'less than a minute';
}

export function toast(message) {
  const el = document.getElementById('toast');
  el.textContent = message;
  el.hidden = false;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => { el.hidden = true; }, 2200);
}

export async function copyText(text) {
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    // Fallback for browsers that refuse the async clipboard API (insecure origin).
    const ta = h('textarea', { class: 'offscreen', 'aria-hidden': 'true' });
    ta.value = text;
    document.body.append(ta);
    ta.select();
    document.execCommand('copy');
    ta.remove();
  }
  toast('Copied to the clipboard');
}

export function copyButton(text, label) {
  return h('button', {
    type: 'button', class: 'btn btn-ghost btn-sm copy', 'aria-label': label || 'Copy',
    title: label || 'Copy', onclick: () => copyText(text),
  }, iconCopy(), h('span', {}, 'Copy'));
}

function iconCopy() {
  return s('svg', { viewBox: '0 0 16 16', width: 14, height: 14, 'aria-hidden': 'true' },
    s('rect', { x: 5, y: 5, width: 9, height: 9, rx: 1.5, fill: 'none', stroke: 'currentColor', 'stroke-width': 1.5 }),
    s('path', { d: 'M11 3.5V3a1 1 0 0 0-1-1H3a1 1 0 0 0-1 1v7a1 1 0 0 0 1 1h.5', fill: 'none', stroke: 'currentColor', 'stroke-width': 1.5 }));
}

export const STATUS_LABEL = { relayed: 'Relayed', partial: 'Partial', deferred: 'Deferred', rejected: 'Rejected' };

export function statusBadge(status) {
  return h('span', { class: `badge status-${status}` }, STATUS_LABEL[status] || status || 'unknown');
}

export function dkimBadges(dkim) {
  const kinds = new Set((dkim || []).map((d) => d.kind));
  const out = [];
  if (kinds.has('custom')) out.push(h('span', { class: 'badge dkim-custom', title: 'Signed with the domain\'s custom DKIM key' }, 'custom'));
  if (kinds.has('shared')) out.push(h('span', { class: 'badge dkim-shared', title: 'Signed with the shared platform key' }, 'shared'));
  if (!out.length) out.push(h('span', { class: 'badge dkim-none' }, 'unsigned'));
  return h('span', { class: 'badges' }, out);
}

export function spinner(text = 'Loading…') {
  return h('div', { class: 'state state-loading', role: 'status', 'aria-live': 'polite' },
    h('span', { class: 'spinner', 'aria-hidden': 'true' }), h('span', {}, text));
}

export function emptyState(title, hint) {
  return h('div', { class: 'state state-empty' },
    s('svg', { viewBox: '0 0 48 48', width: 40, height: 40, 'aria-hidden': 'true' },
      s('rect', { x: 6, y: 12, width: 36, height: 26, rx: 4, fill: 'none', stroke: 'currentColor', 'stroke-width': 2 }),
      s('path', { d: 'M6 16l18 12 18-12', fill: 'none', stroke: 'currentColor', 'stroke-width': 2 })),
    h('p', { class: 'state-title' }, title),
    hint ? h('p', { class: 'muted' }, hint) : null);
}

/**
 * Shows an API error in plain words. A 503 (Elasticsearch down) retries by itself with a
 * countdown; anything else offers a Retry button. 401 never gets here: it goes to sign-in.
 */
export function errorState(err, retry) {
  const box = h('div', { class: 'state state-error', role: 'alert' });
  if (err && err.status === 503) {
    let left = Math.min(Math.max(err.retryAfter || 5, 2), 30);
    const count = h('span', {}, String(left));
    box.append(
      h('p', { class: 'state-title' }, 'Elasticsearch is unavailable, retrying…'),
      h('p', { class: 'muted' }, 'The search store is not answering. Next attempt in ', count, ' s.'),
      h('button', { type: 'button', class: 'btn', onclick: () => { clearInterval(timer); retry(); } }, 'Retry now'));
    const timer = setInterval(() => {
      if (!box.isConnected) { clearInterval(timer); return; }
      left -= 1;
      count.textContent = String(Math.max(left, 0));
      if (left <= 0) { clearInterval(timer); retry(); }
    }, 1000);
    return box;
  }
  const title = err && err.status === 403 ? 'You do not have access to this'
    : err && err.status === 404 ? 'Not found'
      : err && err.status === 0 ? 'Cannot reach Mailtrace'
        : 'Something went wrong';
  box.append(
    h('p', { class: 'state-title' }, title),
    h('p', { class: 'muted' }, err && err.message ? err.message : String(err)),
    retry ? h('button', { type: 'button', class: 'btn', onclick: retry }, 'Retry') : null);
  return box;
}

/** Runs loader() showing a spinner in target; renders the result, or the error state with retry. */
export async function load(target, loader, render, loadingText) {
  const run = async () => {
    // Only the latest load of a target renders (a slow earlier answer must not overwrite it).
    const seq = (target.loadSeq = (target.loadSeq || 0) + 1);
    clear(target).append(spinner(loadingText));
    target.setAttribute('aria-busy', 'true');
    try {
      const data = await loader();
      if (target.loadSeq !== seq) return;
      clear(target);
      render(data);
    } catch (err) {
      if (err && err.status === 401) return;
      if (target.loadSeq !== seq) return;
      clear(target).append(errorState(err, run));
    } finally {
      target.removeAttribute('aria-busy');
    }
  };
  return run();
}

/** A modal confirmation built on <dialog>; resolves true when confirmed. */
export function confirmDialog({ title, body, confirmLabel, danger }) {
  return new Promise((resolve) => {
    const dlg = h('dialog', { class: 'dialog', 'aria-labelledby': 'dlg-title' },
      h('h2', { id: 'dlg-title' }, title),
      h('div', { class: 'dialog-body' }, body),
      h('div', { class: 'dialog-actions' },
        h('button', { type: 'button', class: 'btn', value: 'cancel', onclick: () => dlg.close('cancel') }, 'Cancel'),
        h('button', { type: 'button', class: danger ? 'btn btn-danger' : 'btn btn-primary', onclick: () => dlg.close('ok') }, confirmLabel)));
    dlg.addEventListener('close', () => { resolve(dlg.returnValue === 'ok'); dlg.remove(); });
    document.body.append(dlg);
    dlg.showModal();
    dlg.querySelector('.btn').focus();
  });
}

export function pageHeader(title, subtitle, ...actions) {
  return h('div', { class: 'page-header' },
    h('div', {}, h('h1', {}, title), subtitle ? h('p', { class: 'muted' }, subtitle) : null),
    actions.length ? h('div', { class: 'page-actions' }, actions) : null);
}

export function field(label, control, hint) {
  const id = control.id || ('f-' + Math.random().toString(36).slice(2, 8));
  control.id = id;
  return h('div', { class: 'field' }, h('label', { for: id }, label), control, hint ? h('small', { class: 'muted' }, hint) : null);
}
