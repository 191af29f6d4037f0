// The bearer token lives in this tab only (sessionStorage): closing the tab signs out.
const KEY = 'mailtrace.token';

export function getToken() {
  return sessionStorage.getItem(KEY);
}

export function setToken(token) {
  sessionStorage.setItem(KEY, token.trim());
}

export function clearToken() {
  sessionStorage.removeItem(KEY);
}

/** Decodes the JWT payload without verifying it: only to shape the UI; the server enforces scope. */
export function decode(token) {
  const parts = (token || '').trim().split('.');
  if (parts.length !== 3) return null;
  try {
    const b64 = parts[1].replace(/-/g, '+').replace(/_/g, '/');
    const json = decodeURIComponent(
      atob(b64.padEnd(b64.length + ((4 - (b64.length % 4)) % 4), '='))
        .split('')
        .map((c) => '%' + c.charCodeAt(0).toString(16).padStart(2, '0'))
        .join(''));
    const p = JSON.parse(json);
    return p && typeof p === 'object' ? p : null;
  } catch {
    return null;
  }
}

/** The signed-in user as the UI sees it, or null when there is no usable token. */
export function currentUser() {
  const token = getToken();
  const p = decode(token);
  if (!p) return null;
  if (typeof p.exp === 'number' && p.exp * 1000 <= Date.now()) return null;
  const role = ['admin', 'support', 'domain-admin'].includes(p.role) ? p.role : 'support';
  const domains = Array.isArray(p.domains) ? p.domains.filter((d) => typeof d === 'string') : [];
  return {
    subject: p.sub || p.name || role,
    role,
    domains,
    expiresAt: typeof p.exp === 'number' ? new Date(p.exp * 1000) : null,
    scoped: role === 'domain-admin',
    canWrite: role === 'admin' || role === 'domain-admin',
  };
}

/** Dev mode hands the token over as #token=... : take it and remove it from the address bar. */
export function adoptTokenFromHash() {
  const m = /(?:^#|&)token=([^&]+)/.exec(location.hash);
  if (!m) return false;
  setToken(decodeURIComponent(m[1]));
  history.replaceState(history.state, '', location.pathname + location.search);
  return true;
}
