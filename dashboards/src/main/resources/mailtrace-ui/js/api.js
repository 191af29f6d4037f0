import { getToken } from './auth.js';

/** An API failure with the HTTP status and the server's error code/message. */
export class ApiError extends Error {
  constructor(status, code, message, retryAfter) {
    super(message);
    this.status = status;
    this.code = code;
    this.retryAfter = retryAfter;
  }
}

let onUnauthorized = () => {};
export function setUnauthorizedHandler(fn) {
  onUnauthorized = fn;
}

const BASE = '/api/v1';

async function request(method, path, { query, body, raw } = {}) {
  const url = new URL(BASE + path, location.origin);
  if (query) {
    for (const [k, v] of Object.entries(query)) {
      if (v !== undefined && v !== null && v !== '') url.searchParams.set(k, v);
    }
  }
  const headers = { Accept: raw ? '*/*' : 'application/json' };
  const token = getToken();
  if (token) headers.Authorization = 'Bearer ' + token;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let res;
  try {
    res = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch (e) {
    throw new ApiError(0, 'network', 'The Mailtrace server cannot be reached. Check your connection.');
  }
  if (!res.ok) {
    let code = 'http_' + res.status;
    let message = res.statusText || 'Request failed';
    try {
      const j = await res.json();
      if (j && j.error) {
        code = j.error.code || code;
        message = j.error.message || message;
      }
    } catch { /* not JSON: keep the status text */ }
    const retryAfter = Number(res.headers.get('Retry-After')) || undefined;
    const err = new ApiError(res.status, code, message, retryAfter);
    if (res.status === 401) onUnauthorized(err);
    throw err;
  }
  if (raw) return res;
  if (res.status === 204) return null;
  const text = await res.text();
  return text ? JSON.parse(text) : null;
}

export const api = {
  searchMail: (filters) => request('GET', '/mail-sent', { query: filters }),
  mailDetails: (id) => request('GET', '/mail-sent/' + encodeURIComponent(id)),
  exportCsv: (filters) => request('GET', '/mail-sent/export.csv', { query: filters, raw: true }),
  stats: (q) => request('GET', '/stats', { query: q }),
  dkim: (domain) => request('GET', `/domains/${encodeURIComponent(domain)}/dkim`),
  activateDkim: (domain) => request('POST', `/domains/${encodeURIComponent(domain)}/dkim`, { body: {} }),
  checkDkim: (domain) => request('POST', `/domains/${encodeURIComponent(domain)}/dkim/check`, { body: {} }),
  disableDkim: (domain) => request('DELETE', `/domains/${encodeURIComponent(domain)}/dkim`),
};
