// What the browser tests run against. With MAILTRACE_URL set: a running Mailtrace service
// (tokens and the test DNS server given by the environment, see README.md). Without it: the
// mock API of lib/mock-api.mjs plus a real BIND started here, for quick local iteration.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startMockApi, mintToken } from './mock-api.mjs';
import { startBind } from './bind.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
export const UI_DIR = path.resolve(here, '../../src/main/resources/mailtrace-ui');

export async function startTarget() {
  const env = process.env;
  const domain = env.MAILTRACE_E2E_DOMAIN || 'a.example';
  const other = env.MAILTRACE_E2E_OTHER_DOMAIN || 'b.example';
  if (env.MAILTRACE_URL) {
    let publishTxt = null;
    if (env.MAILTRACE_DNS_PUBLISH_URL) {
      // The Java IT owns the BIND (testkit BindServer) and publishes records for us.
      publishTxt = async (name, value) => {
        const res = await fetch(env.MAILTRACE_DNS_PUBLISH_URL, { method: 'POST', body: JSON.stringify({ name, value }) });
        if (!res.ok) throw new Error(`publishing ${name} failed: ${res.status} ${await res.text()}`);
      };
    } else if (env.MAILTRACE_DNS_SERVER && env.MAILTRACE_DNS_KEYFILE) {
      const { execFileSync } = await import('node:child_process');
      const [host, port] = env.MAILTRACE_DNS_SERVER.split(':');
      publishTxt = (name, value) => {
        const strings = value.match(/.{1,255}/g).map((c) => `"${c}"`).join(' ');
        execFileSync('/usr/bin/nsupdate', ['-k', env.MAILTRACE_DNS_KEYFILE], {
          input: `server ${host} ${port || 53}\nupdate delete ${name}. TXT\nupdate add ${name}. 60 TXT ${strings}\nsend\n`,
        });
      };
    }
    return {
      mode: 'service', url: env.MAILTRACE_URL.replace(/\/$/, ''), domain, other,
      account: env.MAILTRACE_E2E_ACCOUNT || '',
      adminToken: env.MAILTRACE_ADMIN_TOKEN, domainAdminToken: env.MAILTRACE_DOMAIN_ADMIN_TOKEN,
      publishTxt, setEsDown: null, async stop() {},
    };
  }
  const bind = await startBind(domain);
  const secret = 'e2e-' + Math.random().toString(36).slice(2);
  const mock = await startMockApi({ uiDir: UI_DIR, secret, dnsServer: bind.server });
  return {
    mode: 'mock', url: mock.url, domain, other, account: 'newsletter',
    adminToken: mintToken(secret, { sub: 'alice', role: 'admin' }),
    domainAdminToken: mintToken(secret, { sub: 'dora', role: 'domain-admin', domains: [domain] }),
    publishTxt: (name, value) => bind.publishTxt(name, value),
    setEsDown: mock.setEsDown,
    async stop() { await mock.close(); await bind.stop(); },
  };
}
