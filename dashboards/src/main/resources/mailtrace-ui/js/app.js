// Entry point: token hand-over, the header, and a small history-API router.
import { adoptTokenFromHash, clearToken, currentUser } from './auth.js';
import { setUnauthorizedHandler } from './api.js';
import { h, clear } from './ui.js';
import { renderSignIn } from './views/signin.js';
import { renderMailSent } from './views/mailsent.js';
import { renderDomains, renderDomainSecurity } from './views/domains.js';
import { renderOverview } from './views/overview.js';

const routes = [
  { re: /^\/signin$/, view: renderSignIn, open: true },
  { re: /^\/overview$/, view: renderOverview, nav: 'overview', title: 'Overview' },
  { re: /^\/mail-sent$/, view: renderMailSent, nav: 'mail-sent', title: 'Mail Sent' },
  { re: /^\/domains$/, view: renderDomains, nav: 'domains', title: 'Domains' },
  { re: /^\/domains\/([^/]+)(?:\/settings(?:\/security)?)?$/, view: renderDomainSecurity, nav: 'domains', title: 'Custom DKIM' },
];

export function navigate(path, { replace = false } = {}) {
  if (replace) history.replaceState({}, '', path);
  else history.pushState({}, '', path);
  route();
}

function signOut(reason) {
  clearToken();
  for (const d of document.querySelectorAll('dialog[open]')) d.close();
  const next = location.pathname === '/signin' ? '' : location.pathname + location.search;
  sessionStorage.setItem('mailtrace.signin.reason', reason || '');
  if (next) sessionStorage.setItem('mailtrace.next', next);
  navigate('/signin', { replace: true });
}

function renderHeader(user, nav) {
  const bar = document.getElementById('topbar');
  bar.hidden = !user;
  if (!user) return;
  for (const a of bar.querySelectorAll('[data-nav]')) {
    if (a.dataset.nav === nav) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  const roleLabel = { admin: 'Admin', support: 'Support', 'domain-admin': 'Domain admin' }[user.role];
  clear(document.getElementById('who')).append(
    h('span', { class: 'who-name', title: user.scoped ? 'Domains: ' + user.domains.join(', ') : '' },
      h('span', { class: 'role-chip' }, roleLabel), ' ', user.subject),
    h('button', { type: 'button', class: 'btn btn-ghost btn-sm', id: 'signout', onclick: () => signOut('You have signed out.') }, 'Sign out'));
}

function route() {
  const path = decodeURI(location.pathname).replace(/\/+$/, '') || '/';
  const user = currentUser();
  let match = null;
  let r = routes.find((x) => (match = x.re.exec(path)));
  if (!r) {
    navigate(user ? '/mail-sent' : '/signin', { replace: true });
    return;
  }
  if (!r.open && !user) {
    signOut('');
    return;
  }
  renderHeader(r.open ? null : user, r.nav);
  document.title = r.title ? `${r.title} · Mailtrace` : 'Mailtrace';
  const main = clear(document.getElementById('main'));
  r.view(main, { user, params: match.slice(1).map(decodeURIComponent), navigate, query: new URLSearchParams(location.search) });
  document.getElementById('main').focus({ preventScroll: true });
}

function start() {
  adoptTokenFromHash();
  setUnauthorizedHandler(() => signOut('Your session has expired or the token was refused. Sign in again.'));
  // In-app links go through the router instead of reloading the page.
  document.addEventListener('click', (e) => {
    const a = e.target.closest('a[data-link]');
    if (!a || e.ctrlKey || e.metaKey || e.shiftKey || e.button !== 0) return;
    e.preventDefault();
    navigate(a.getAttribute('href'));
  });
  window.addEventListener('popstate', route);
  route();
}

start();
