// A small stand-in for the query-api, for quick UI iteration and for the e2e suite when no
// real service is given. It follows the /api/v1 contract of issues 4 and 5: HS256 JWT, tenant
// scope from the token, {"error":{"code","message"}} errors, and a DKIM check that queries a
// real DNS server (the test BIND) with node's resolver.
import http from 'node:http';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import dns from 'node:dns';

const STATUSES = ['relayed', 'partial', 'deferred', 'rejected'];
const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8', '.svg': 'image/svg+xml' };

const b64url = (b) => Buffer.from(b).toString('base64url');

export function mintToken(secret, claims, ttlSeconds = 3600) {
  const header = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const payload = b64url(JSON.stringify({ ...claims, iat: Math.floor(Date.now() / 1000), exp: Math.floor(Date.now() / 1000) + ttlSeconds }));
  const sig = crypto.createHmac('sha256', secret).update(`${header}.${payload}`).digest('base64url');
  return `${header}.${payload}.${sig}`;
}

function verify(secret, token) {
  const [h, p, sig] = (token || '').split('.');
  if (!sig) return null;
  const want = crypto.createHmac('sha256', secret).update(`${h}.${p}`).digest('base64url');
  if (want.length !== sig.length || !crypto.timingSafeEqual(Buffer.from(want), Buffer.from(sig))) return null;
  const claims = JSON.parse(Buffer.from(p, 'base64url').toString());
  if (claims.exp && claims.exp * 1000 < Date.now()) return null;
  return claims;
}

// Deterministic pseudo-random records so screenshots are stable.
function seedRecords(now) {
  let x = 42;
  const rnd = () => ((x = (x * 1103515245 + 12345) % 2147483648) / 2147483648);
  const domains = { 'a.example': ['newsletter', 'billing', 'support'], 'b.example': ['alerts', 'sales'], 'c.example': ['noreply'] };
  const subjects = ['Your invoice for November', 'Weekly product update', 'Password reset requested', 'Order #{n} has shipped',
    'Welcome to the team', 'Meeting notes: quarterly review', 'Reminder: renewal due', 'Security alert: new sign-in'];
  const out = [];
  for (let i = 0; i < 420; i++) {
    const dnames = Object.keys(domains);
    const domain = dnames[Math.floor(rnd() * rnd() * 3)];
    const accounts = domains[domain];
    const account = accounts[Math.floor(rnd() * accounts.length)];
    const ts = new Date(now - Math.floor(rnd() * 7 * 86400e3));
    const r = rnd();
    const status = r < 0.86 ? 'relayed' : r < 0.91 ? 'deferred' : r < 0.96 ? 'partial' : 'rejected';
    const nr = 1 + Math.floor(rnd() * rnd() * 3);
    const recipients = [];
    for (let k = 0; k < nr; k++) {
      const st = status === 'partial' ? (k === 0 ? 'relayed' : 'rejected') : status === 'relayed' ? 'relayed' : status;
      recipients.push({
        address: `${['anna', 'ben', 'chloe', 'dev', 'emma', 'farid'][Math.floor(rnd() * 6)]}${k || ''}@${['mail.test', 'inbox.test', 'corp.test'][Math.floor(rnd() * 3)]}`,
        status: st,
        response: st === 'relayed' ? `250 2.0.0 Ok: queued as ${Math.floor(rnd() * 1e10).toString(16).toUpperCase()}`
          : st === 'deferred' ? '451 4.7.1 Greylisted, please try again later' : '550 5.1.1 <user>: Recipient address rejected: User unknown',
        relay: 'smtp.relay.test:25',
      });
    }
    const custom = domain === 'a.example' && i % 3 !== 0;
    const dkim = [];
    if (custom) dkim.push({ domain, selector: 'mt2611201234', kind: 'custom', algorithm: 'rsa-sha256', canonicalization: 'relaxed/relaxed', headers: ['from', 'to', 'subject', 'date', 'message-id'] });
    dkim.push({ domain: 'dkim.mailtrace.test', selector: 'shared2026', kind: 'shared', algorithm: 'rsa-sha256', canonicalization: 'relaxed/relaxed', headers: ['from', 'to', 'subject', 'date', 'message-id'] });
    const id = ts.getTime().toString(36) + i.toString(36).padStart(4, '0');
    out.push({
      id, '@timestamp': ts.toISOString(), account, domain,
      envelope_from: `bounce+${account}@${domain}`, header_from: `${account}@${domain}`,
      subject: subjects[Math.floor(rnd() * subjects.length)].replace('{n}', String(1000 + i)),
      message_id: `<${id}@${domain}>`, size_bytes: 2000 + Math.floor(rnd() * 80000),
      client_ip: `10.0.${Math.floor(rnd() * 4)}.${10 + Math.floor(rnd() * 40)}`, client_helo: 'app-server.internal',
      tls: { enabled: true, protocol: 'TLSv1.3', cipher: 'TLS_AES_256_GCM_SHA384' },
      status, status_reason: status === 'relayed' ? null : recipients.find((x) => x.status !== 'relayed')?.response,
      recipients, dkim, dkim_custom_skipped: domain === 'a.example' && !custom ? 'pending' : null, node: 'node-1',
    });
  }
  return out.sort((a, b) => (a['@timestamp'] < b['@timestamp'] ? 1 : -1));
}

/**
 * Starts the mock. opts: { port, uiDir, secret, dnsServer: "127.0.0.1:port" }.
 * Returns { url, close, addRecord, setEsDown }.
 */
export async function startMockApi(opts) {
  const secret = opts.secret;
  const now = Date.now();
  const records = seedRecords(now);
  const keys = new Map(); // domain -> key state
  let esDown = false;

  const resolver = new dns.promises.Resolver({ timeout: 3000, tries: 1 });
  if (opts.dnsServer) resolver.setServers([opts.dnsServer]);

  const send = (res, status, body, headers = {}) => {
    res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
    res.end(body === undefined ? '' : JSON.stringify(body));
  };
  const fail = (res, status, code, message, headers) => send(res, status, { error: { code, message } }, headers);

  function scopeOk(claims, domain) {
    return claims.role !== 'domain-admin' || (claims.domains || []).includes(domain);
  }

  function filterRecords(claims, q, res) {
    const domain = q.get('domain');
    if (domain && !scopeOk(claims, domain)) { fail(res, 403, 'forbidden', `domain ${domain} is outside your scope`); return null; }
    const from = q.get('from') ? Date.parse(q.get('from')) : now - 86400e3;
    const to = q.get('to') ? Date.parse(q.get('to')) : Infinity;
    if (Number.isNaN(from)) { fail(res, 400, 'bad_parameter', 'from: not an ISO-8601 instant or date'); return null; }
    if (q.get('status') && !STATUSES.includes(q.get('status'))) { fail(res, 400, 'bad_parameter', 'status: unknown status'); return null; }
    return records.filter((r) => {
      const t = Date.parse(r['@timestamp']);
      if (claims.role === 'domain-admin' && !(claims.domains || []).includes(r.domain)) return false;
      if (t < from || t > to) return false;
      if (domain && r.domain !== domain) return false;
      for (const k of ['account', 'status', 'message_id', 'client_ip']) if (q.get(k) && r[k] !== q.get(k)) return false;
      if (q.get('recipient') && !r.recipients.some((x) => x.address === q.get('recipient'))) return false;
      if (q.get('subject') && !q.get('subject').toLowerCase().split(/\s+/).every((w) => r.subject.toLowerCase().includes(w))) return false;
      if (q.get('dkim_domain') && !r.dkim.some((d) => d.domain === q.get('dkim_domain'))) return false;
      if (q.get('dkim_selector') && !r.dkim.some((d) => d.selector === q.get('dkim_selector'))) return false;
      if (q.get('dkim_kind') === 'custom' && !r.dkim.some((d) => d.kind === 'custom')) return false;
      if (q.get('dkim_kind') === 'shared' && r.dkim.some((d) => d.kind === 'custom')) return false;
      return true;
    });
  }

  function dkimView(domain) {
    const k = keys.get(domain);
    if (!k) return { domain, state: 'none' };
    const name = `${k.selector}._domainkey.${domain}`;
    const value = `v=DKIM1; k=rsa; p=${k.pub}`;
    const chunks = value.match(/.{1,255}/g).map((c) => `"${c}"`).join(' ');
    return {
      domain, state: k.state, selector: k.selector,
      dns_record: { name, type: 'TXT', value, zone_file_line: `${name}. 3600 IN TXT ( ${chunks} )` },
      created_at: k.created_at, expires_at: k.state === 'pending' ? k.expires_at : null,
      verified_at: k.verified_at || null, last_check: k.last_check || null,
      dns_status: k.state === 'active' ? (k.dns_status || 'ok') : null,
    };
  }

  async function check(domain) {
    const k = keys.get(domain);
    const name = `${k.selector}._domainkey.${domain}`;
    let result; let message;
    try {
      const txt = await resolver.resolveTxt(name);
      if (txt.length > 1) { result = 'multiple_records'; message = `${txt.length} TXT records at ${name}`; } else {
        const tags = Object.fromEntries(txt[0].join('').split(';').map((t) => t.trim()).filter(Boolean).map((t) => [t.split('=')[0].trim(), t.slice(t.indexOf('=') + 1).replace(/\s+/g, '')]));
        if (!('p' in tags)) { result = 'malformed'; message = 'no p= tag'; } else if (tags.p === '') { result = 'revoked'; message = 'empty p= tag'; } else if (tags.p !== k.pub) { result = 'key_mismatch'; message = 'the published key differs from the generated one'; } else { result = 'ok'; message = 'the published key matches'; }
      }
    } catch (e) {
      if (e.code === 'ENOTFOUND' || e.code === 'ENODATA') { result = 'not_found'; message = `no TXT record at ${name}`; } else { result = 'dns_error'; message = `DNS query failed (${e.code})`; }
    }
    k.last_check = { result, message, at: new Date().toISOString() };
    if (result === 'ok' && k.state === 'pending') { k.state = 'active'; k.verified_at = new Date().toISOString(); }
    return { result, message, state: k.state };
  }

  function csvCell(v) {
    let s = v === null || v === undefined ? '' : String(v);
    if (/^[=+\-@\t\r]/.test(s)) s = "'" + s;
    return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  }

  async function api(req, res, url) {
    const p = url.pathname.slice('/api/v1'.length);
    const auth = req.headers.authorization || '';
    const claims = auth.startsWith('Bearer ') ? verify(secret, auth.slice(7)) : null;
    if (!claims) return fail(res, 401, 'unauthorized', 'missing, expired or invalid token');
    if (esDown) return fail(res, 503, 'unavailable', 'Elasticsearch is unavailable', { 'Retry-After': '3' });
    const q = url.searchParams;
    let m;
    if (req.method === 'GET' && p === '/mail-sent') {
      const rows = filterRecords(claims, q, res);
      if (!rows) return undefined;
      const size = Number(q.get('size') || 50);
      const offset = q.get('cursor') ? Number(Buffer.from(q.get('cursor'), 'base64url').toString()) : 0;
      const page = rows.slice(offset, offset + size).map((r) => ({
        id: r.id, '@timestamp': r['@timestamp'], account: r.account, domain: r.domain, header_from: r.header_from,
        recipients: r.recipients.map((x) => x.address), subject: r.subject, status: r.status,
        dkim: r.dkim.map(({ domain, selector, kind }) => ({ domain, selector, kind })),
      }));
      return send(res, 200, {
        items: page, next_cursor: offset + size < rows.length ? b64url(String(offset + size)) : null,
        total: { value: rows.length, relation: 'eq' },
      });
    }
    if (req.method === 'GET' && p === '/mail-sent/export.csv') {
      const rows = filterRecords(claims, q, res);
      if (!rows) return undefined;
      res.writeHead(200, { 'Content-Type': 'text/csv; charset=utf-8' });
      res.write('id,timestamp,domain,account,header_from,recipients,subject,status,dkim\r\n');
      for (const r of rows) {
        res.write([r.id, r['@timestamp'], r.domain, r.account, r.header_from, r.recipients.map((x) => x.address).join(' '), r.subject, r.status,
          r.dkim.map((d) => `${d.kind}:${d.domain}/${d.selector}`).join(' ')].map(csvCell).join(',') + '\r\n');
      }
      return res.end();
    }
    if (req.method === 'GET' && (m = /^\/mail-sent\/([^/]+)$/.exec(p))) {
      const r = records.find((x) => x.id === decodeURIComponent(m[1]));
      if (!r || !scopeOk(claims, r.domain)) return fail(res, 404, 'not_found', 'no such record');
      return send(res, 200, r);
    }
    if (req.method === 'GET' && p === '/stats') {
      const rows = filterRecords(claims, q, res);
      if (!rows) return undefined;
      const from = q.get('from') ? Date.parse(q.get('from')) : now - 86400e3;
      const to = q.get('to') ? Date.parse(q.get('to')) : Date.now();
      const span = to - from;
      const interval = span > 3 * 86400e3 ? 6 * 3600e3 : 3600e3;
      const over = [];
      for (let t = Math.floor(from / interval) * interval; t <= to; t += interval) over.push({ start: new Date(t).toISOString(), count: 0, by_status: Object.fromEntries(STATUSES.map((x) => [x, 0])), by_dkim: { custom: 0, shared_only: 0 } });
      const byStatus = {}; const acc = {}; const dk = { custom: 0, shared_only: 0 };
      for (const r of rows) {
        const b = over[Math.floor((Date.parse(r['@timestamp']) - Date.parse(over[0].start)) / interval)];
        const kind = r.dkim.some((d) => d.kind === 'custom') ? 'custom' : 'shared_only';
        if (b) { b.count++; b.by_status[r.status]++; b.by_dkim[kind]++; }
        byStatus[r.status] = (byStatus[r.status] || 0) + 1; dk[kind]++;
        acc[r.account] = (acc[r.account] || 0) + 1;
      }
      return send(res, 200, {
        from: new Date(from).toISOString(), to: new Date(to).toISOString(), interval: `${interval / 1000}s`, total: rows.length,
        by_status: byStatus, by_dkim: dk, over_time: over,
        top_accounts: Object.entries(acc).sort((a, b) => b[1] - a[1]).slice(0, 10).map(([account, count]) => ({ account, count })),
      });
    }
    if ((m = /^\/domains\/([^/]+)\/dkim(\/check)?$/.exec(p))) {
      const domain = decodeURIComponent(m[1]);
      if (!scopeOk(claims, domain)) return fail(res, 403, 'forbidden', `domain ${domain} is outside your scope`);
      if (req.method !== 'GET' && claims.role === 'support') return fail(res, 403, 'forbidden', 'support access is read-only');
      if (req.method === 'GET' && !m[2]) return send(res, 200, dkimView(domain));
      if (req.method === 'POST' && !m[2]) {
        if (keys.has(domain)) return fail(res, 409, 'conflict', `a key is already ${keys.get(domain).state}`);
        const { publicKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
        const d = new Date();
        const selector = 'mt' + d.toISOString().slice(2, 10).replace(/-/g, '') + String(crypto.randomInt(1000, 9999));
        keys.set(domain, {
          selector, state: 'pending', pub: publicKey.export({ type: 'spki', format: 'der' }).toString('base64'),
          created_at: d.toISOString(), expires_at: new Date(d.getTime() + 7 * 86400e3).toISOString(),
        });
        return send(res, 201, dkimView(domain));
      }
      if (req.method === 'POST' && m[2]) {
        if (!keys.has(domain)) return fail(res, 409, 'conflict', 'no key to check: activate DKIM first');
        return send(res, 200, await check(domain));
      }
      if (req.method === 'DELETE' && !m[2]) {
        if (!keys.has(domain)) return fail(res, 404, 'not_found', 'no custom DKIM key');
        keys.delete(domain);
        return send(res, 204);
      }
    }
    return fail(res, 404, 'not_found', 'no such route');
  }

  function serveStatic(req, res, url) {
    let file = path.normalize(path.join(opts.uiDir, decodeURIComponent(url.pathname)));
    if (!file.startsWith(opts.uiDir) || !fs.existsSync(file) || fs.statSync(file).isDirectory()) {
      if (path.extname(url.pathname)) { res.writeHead(404); return res.end('not found'); }
      file = path.join(opts.uiDir, 'index.html'); // SPA fallback
    }
    res.writeHead(200, { 'Content-Type': TYPES[path.extname(file)] || 'application/octet-stream', 'Cache-Control': 'no-store' });
    fs.createReadStream(file).pipe(res);
    return undefined;
  }

  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://127.0.0.1');
    const handle = url.pathname.startsWith('/api/v1/') ? api(req, res, url) : serveStatic(req, res, url);
    Promise.resolve(handle).catch((e) => { if (!res.headersSent) fail(res, 500, 'internal', 'internal error'); console.error(e); });
  });
  await new Promise((r) => server.listen(opts.port || 0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    records,
    setEsDown: (v) => { esDown = v; },
    close: () => new Promise((r) => { server.closeAllConnections?.(); server.close(r); }),
  };
}
