// Domains list and Domains → domain → Settings → Security → Custom DKIM signature.
import { api } from '../api.js';
import {
  h, load, emptyState, errorState, formatDateTime, timeLeft, copyButton, confirmDialog,
  pageHeader, field, toast,
} from '../ui.js';

const RECENT = 'mailtrace.recentDomains';
const DOMAIN_RE = /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;

function recentDomains() {
  try { return JSON.parse(sessionStorage.getItem(RECENT)) || []; } catch { return []; }
}
function remember(domain) {
  const list = [domain, ...recentDomains().filter((d) => d !== domain)].slice(0, 8);
  sessionStorage.setItem(RECENT, JSON.stringify(list));
}

function domainLink(d) {
  return h('li', {}, h('a', { class: 'domain-card', href: `/domains/${encodeURIComponent(d)}/settings/security`, 'data-link': true },
    h('span', { class: 'domain-name' }, d),
    h('span', { class: 'muted small' }, 'Settings → Security → Custom DKIM signature'),
    h('span', { class: 'chev', 'aria-hidden': 'true' }, '›')));
}

export function renderDomains(main, { user, navigate }) {
  main.append(pageHeader('Domains', user.scoped ? 'The domains you manage.' : 'Open a domain to manage its custom DKIM signature.'));
  if (user.scoped) {
    main.append(user.domains.length
      ? h('ul', { class: 'domain-list', id: 'domain-list' }, user.domains.map(domainLink))
      : emptyState('No domains', 'Your token does not name any domain. Ask an administrator for access.'));
    return;
  }
  const input = h('input', { type: 'text', name: 'domain', placeholder: 'example.com', autocomplete: 'off', spellcheck: 'false', required: true });
  const err = h('p', { class: 'form-error', role: 'alert' });
  const form = h('form', {
    class: 'card inline-form',
    onsubmit: (e) => {
      e.preventDefault();
      const d = input.value.trim().toLowerCase().replace(/\.$/, '');
      if (!DOMAIN_RE.test(d)) { err.textContent = 'Enter a domain name such as example.com.'; input.focus(); return; }
      navigate(`/domains/${encodeURIComponent(d)}/settings/security`);
    },
  }, field('Domain name', input), h('button', { type: 'submit', class: 'btn btn-primary' }, 'Open'), err);
  const recent = recentDomains();
  main.append(form, recent.length
    ? h('section', {}, h('h2', { class: 'section-title' }, 'Recently opened'), h('ul', { class: 'domain-list' }, recent.map(domainLink)))
    : null);
  input.focus();
}

export function renderDomainSecurity(main, { user, params }) {
  const domain = params[0].toLowerCase();
  if (user.scoped && !user.domains.includes(domain)) {
    // Not even the name is echoed back: a domain-admin sees nothing of other domains.
    main.append(pageHeader('Domain settings'), errorState({ status: 403, message: 'This domain is not one of yours.' }));
    return;
  }
  const crumbs = h('nav', { class: 'crumbs', 'aria-label': 'Breadcrumb' },
    h('ol', {},
      h('li', {}, h('a', { href: '/domains', 'data-link': true }, 'Domains')),
      h('li', {}, h('span', {}, domain)),
      h('li', {}, 'Settings'),
      h('li', { 'aria-current': 'page' }, 'Security')));
  main.append(crumbs);
  remember(domain);
  main.append(pageHeader(domain, 'Settings · Security'));
  const tabs = h('div', { class: 'subnav', role: 'navigation', 'aria-label': 'Settings' },
    h('span', { class: 'subnav-item', 'aria-current': 'page' }, 'Security'));
  const card = h('section', { class: 'card dkim-card', 'aria-labelledby': 'dkim-title', id: 'custom-dkim' });
  main.append(tabs, card);
  const refresh = (lastOutcome) => load(card, () => api.dkim(domain), (view) => renderDkim(card, domain, view, user, refresh, lastOutcome), 'Loading the DKIM settings…');
  refresh();
}

const STATE_PILL = {
  none: ['Not enabled', 'pill-muted'],
  disabled: ['Disabled', 'pill-muted'],
  expired: ['Expired (never verified)', 'pill-muted'],
  pending: ['Waiting for DNS', 'pill-warn'],
  active: ['Active', 'pill-ok'],
};

// Plain-words outcome of "Check DKIM configuration" with what to do next.
function outcomeText(result, name) {
  switch (result) {
    case 'ok': return ['The record is published and matches.', 'Your custom signature is active: new messages from this domain carry it next to the shared one. Confirm it in Mail Sent → Show details.'];
    case 'not_found': return [`No TXT record was found at ${name}.`, 'Add the record below at your DNS provider. Changes can take up to 24 hours to propagate; Mailtrace checks again automatically every few minutes.'];
    case 'multiple_records': return [`There are several TXT records at ${name}.`, 'Keep exactly one record at that name, with the value shown below, and delete the others.'];
    case 'malformed': return ['The published record is not a valid DKIM key record.', 'Copy the value below again exactly as shown. Do not add quotes or spaces inside p=, and keep v=DKIM1 first.'];
    case 'key_mismatch': return ['A record is published, but its key is not the one Mailtrace generated.', 'Replace the published value with the one below. A key cut short by your DNS provider looks like this too: use the zone-file form with split strings if it limits length.'];
    case 'revoked': return ['The published record has an empty key (p=), which means "revoked".', 'Publish the value below instead.'];
    case 'dns_error': return ['DNS could not be queried right now (server failure or timeout).', 'This is temporary and does not count against your domain. Try again in a few minutes.'];
    default: return [`The check answered “${result}”.`, 'Review the record below and try again.'];
  }
}

function outcomeBox(outcome, name) {
  const [title, next] = outcomeText(outcome.result, name);
  const tone = outcome.result === 'ok' ? 'ok' : ['dns_error', 'not_found'].includes(outcome.result) ? 'warn' : 'bad';
  return h('div', { class: `outcome outcome-${tone}`, id: 'check-outcome', role: 'status', 'aria-live': 'polite' },
    h('p', { class: 'outcome-title' }, title),
    outcome.message ? h('p', { class: 'outcome-detail' }, 'Check result: ', h('code', {}, outcome.result), ' — ', outcome.message) : null,
    h('p', {}, h('strong', {}, 'What to do next: '), next));
}

function describeDnsStatus(ds) {
  if (!ds) return null;
  const result = typeof ds === 'string' ? ds : ds.result || ds.status;
  const msg = typeof ds === 'object' ? ds.message : null;
  if (result === 'ok') return h('span', { class: 'pill pill-ok' }, 'Record found and matching');
  return h('span', {}, h('span', { class: 'pill pill-bad' }, 'Problem: ' + (result || 'unknown')),
    msg ? h('span', { class: 'muted' }, ' ' + msg) : null,
    h('div', { class: 'small muted' }, 'Mail is still signed with the custom key, but receivers cannot verify it until the record is fixed.'));
}

function recordBlock(rec, state) {
  return h('div', { class: 'dns-record', id: 'dns-record' },
    h('h3', {}, state === 'active' ? 'Published DNS record' : 'DNS record to publish'),
    h('div', { class: 'record-grid' },
      h('div', { class: 'record-label' }, 'Type'), h('div', {}, h('code', {}, rec.type || 'TXT')), h('div', {}),
      h('div', { class: 'record-label' }, 'Name'), h('div', {}, h('code', { class: 'record-name' }, rec.name)), h('div', {}, copyButton(rec.name, 'Copy record name')),
      h('div', { class: 'record-label' }, 'Value'), h('div', {}, h('code', { class: 'record-value wrap' }, rec.value)), h('div', {}, copyButton(rec.value, 'Copy record value'))),
    rec.zone_file_line ? h('details', { class: 'zone-file' },
      h('summary', {}, 'Zone-file form (strings of at most 255 bytes)'),
      h('div', { class: 'with-copy top' }, h('pre', { class: 'zone-line' }, rec.zone_file_line), copyButton(rec.zone_file_line, 'Copy zone-file line'))) : null);
}

function renderDkim(card, domain, v, user, refresh, lastOutcome) {
  const state = v.state || 'none';
  const [pillText, pillClass] = STATE_PILL[state] || [state, 'pill-muted'];
  card.append(h('div', { class: 'card-head' },
    h('div', {}, h('h2', { id: 'dkim-title' }, 'Custom DKIM signature'),
      h('p', { class: 'muted' }, 'Sign this domain\'s mail with its own key, next to the shared platform signature.')),
    h('span', { class: `pill ${pillClass}`, id: 'dkim-state', dataset: { state } }, pillText)));

  const name = v.dns_record && v.dns_record.name;
  const act = h('div', { class: 'actions-row' });
  const busy = (btn, text, fn) => async () => {
    const label = btn.textContent;
    btn.disabled = true; btn.textContent = text;
    try { await fn(); } catch (err) {
      if (err.status === 401) return;
      btn.disabled = false; btn.textContent = label;
      card.querySelector('.action-error')?.remove();
      card.append(h('div', { class: 'action-error' }, errorState(err)));
    }
  };

  if (state !== 'pending' && state !== 'active') {
    card.append(h('div', { class: 'explain' },
      state === 'expired' ? h('p', { class: 'notice notice-warn' }, 'The previous key was removed because its DNS record was never verified within 7 days.') : null,
      h('p', {}, 'Activating creates a new key pair and a selector for ', h('strong', {}, domain),
        '. You then publish one TXT record at your DNS provider and check it here. Until it is verified, mail keeps the shared signature only.'),
      h('p', { class: 'muted small' }, 'A key that is never verified is removed automatically after 7 days.')));
    if (user.canWrite) {
      const btn = h('button', { type: 'button', class: 'btn btn-primary', id: 'activate-dkim' }, 'Activate DKIM');
      btn.addEventListener('click', busy(btn, 'Generating key…', async () => { await api.activateDkim(domain); toast('Key generated'); refresh(); }));
      act.append(btn);
    } else {
      act.append(h('p', { class: 'muted' }, 'Read-only access: you cannot change this setting.'));
    }
    card.append(act);
    return;
  }

  const facts = [
    ['Selector', h('code', { id: 'dkim-selector' }, v.selector)],
    ['Created', formatDateTime(v.created_at)],
  ];
  if (state === 'pending' && v.expires_at) {
    facts.push(['Removed if not verified', h('span', { id: 'time-left' }, `in ${timeLeft(v.expires_at)}`, h('span', { class: 'muted' }, ` (${formatDateTime(v.expires_at)})`))]);
  }
  if (state === 'active') {
    facts.push(['Verified', formatDateTime(v.verified_at)]);
    facts.push(['DNS status', h('span', { id: 'dns-status' }, describeDnsStatus(v.dns_status) || '—')]);
  }
  if (v.last_check && (v.last_check.result || v.last_check.at || v.last_check.checked_at)) {
    const lc = v.last_check;
    facts.push(['Last check', [lc.result ? h('code', {}, lc.result) : null, ' ', h('span', { class: 'muted' }, formatDateTime(lc.at || lc.checked_at || lc.time))]]);
  }
  card.append(h('dl', { class: 'kv kv-inline' }, facts.map(([k, val]) => [h('dt', {}, k), h('dd', {}, val)])));

  if (state === 'pending') {
    card.append(h('ol', { class: 'steps' },
      h('li', { class: 'done' }, 'Key generated'),
      h('li', { class: 'current' }, 'Publish the TXT record at your DNS provider'),
      h('li', {}, 'Check the DKIM configuration')));
  }
  if (lastOutcome) card.append(outcomeBox(lastOutcome, name));
  if (v.dns_record) card.append(recordBlock(v.dns_record, state));

  const check = h('button', { type: 'button', class: state === 'pending' ? 'btn btn-primary' : 'btn', id: 'check-dkim' }, 'Check DKIM configuration');
  check.addEventListener('click', busy(check, 'Checking DNS…', async () => {
    const outcome = await api.checkDkim(domain);
    refresh(outcome);
  }));
  if (user.role !== 'support') act.append(check);
  if (user.canWrite) {
    const disable = h('button', { type: 'button', class: 'btn btn-danger-outline', id: 'disable-dkim' }, 'Disable DKIM');
    disable.addEventListener('click', async () => {
      const ok = await confirmDialog({
        title: 'Disable the custom DKIM signature?',
        body: [h('p', {}, 'The key for ', h('strong', {}, domain), ' (selector ', h('code', {}, v.selector), ') will be destroyed. Mail goes back to the shared signature only.'),
          h('p', { class: 'muted' }, 'You can activate a new key later; it will need a new DNS record.')],
        confirmLabel: 'Disable DKIM', danger: true,
      });
      if (!ok) { disable.focus(); return; }
      await busy(disable, 'Disabling…', async () => { await api.disableDkim(domain); toast('Custom DKIM signature disabled'); refresh(); })();
    });
    act.append(disable);
  } else {
    act.append(h('p', { class: 'muted' }, 'Read-only access.'));
  }
  card.append(act);
}

