import { currentUser, decode, setToken, clearToken } from '../auth.js';
import { h } from '../ui.js';

export function renderSignIn(main, { navigate }) {
  if (currentUser()) {
    navigate(sessionStorage.getItem('mailtrace.next') || '/mail-sent', { replace: true });
    return;
  }
  const reason = sessionStorage.getItem('mailtrace.signin.reason');
  sessionStorage.removeItem('mailtrace.signin.reason');
  const error = h('p', { class: 'form-error', id: 'token-error', role: 'alert' });
  const input = h('textarea', {
    id: 'token', name: 'token', rows: 5, required: true, spellcheck: 'false', autocomplete: 'off',
    placeholder: 'eyJhbGciOi…', 'aria-describedby': 'token-help token-error',
  });
  const form = h('form', {
    class: 'signin-card', novalidate: true,
    onsubmit: (e) => {
      e.preventDefault();
      const token = input.value.trim();
      const p = decode(token);
      if (!p) { error.textContent = 'This does not look like a Mailtrace token (three dot-separated parts).'; input.focus(); return; }
      if (typeof p.exp === 'number' && p.exp * 1000 <= Date.now()) { error.textContent = 'This token has expired. Ask for a new one.'; input.focus(); return; }
      setToken(token);
      const next = sessionStorage.getItem('mailtrace.next') || '/mail-sent';
      sessionStorage.removeItem('mailtrace.next');
      navigate(next, { replace: true });
    },
  },
  h('div', { class: 'signin-brand' },
    h('span', { class: 'brand-mark', 'aria-hidden': 'true' }),
    h('span', {}, 'Mailtrace')),
  h('h1', {}, 'Sign in'),
  reason ? h('p', { class: 'notice' }, reason) : null,
  h('label', { for: 'token' }, 'Access token'),
  input,
  h('small', { id: 'token-help', class: 'muted' },
    'Paste the token you were given (', h('code', {}, 'mailtrace token'), '). It stays in this browser tab only and is forgotten when you close it.'),
  error,
  h('button', { type: 'submit', class: 'btn btn-primary btn-block' }, 'Sign in'));
  clearToken();
  main.append(h('div', { class: 'signin-wrap' }, form));
  input.focus();
}
