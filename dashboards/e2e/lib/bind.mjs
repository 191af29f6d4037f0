// A real BIND `named` on 127.0.0.1 at a free high port, authoritative for one zone that accepts
// TSIG-signed dynamic updates; records are published with `nsupdate`, as an admin's DNS host would.
import { spawn, execFileSync } from 'node:child_process';
import dgram from 'node:dgram';
import dns from 'node:dns';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const NAMED = '/usr/sbin/named';

async function freePort() {
  const sock = dgram.createSocket('udp4');
  await new Promise((r) => sock.bind(0, '127.0.0.1', r));
  const { port } = sock.address();
  await new Promise((r) => sock.close(r));
  return port;
}

export async function startBind(zone) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mailtrace-bind-'));
  const port = await freePort();
  const keyConf = execFileSync('/usr/sbin/tsig-keygen', ['-a', 'hmac-sha256', 'e2e-key']).toString();
  fs.writeFileSync(path.join(dir, 'key.conf'), keyConf);
  fs.writeFileSync(path.join(dir, `${zone}.zone`), [
    '$TTL 60',
    `@ IN SOA ns.${zone}. hostmaster.${zone}. ( 1 60 60 600 60 )`,
    `@ IN NS ns.${zone}.`,
    'ns IN A 127.0.0.1',
    '',
  ].join('\n'));
  fs.writeFileSync(path.join(dir, 'named.conf'), `
options {
  directory "${dir}";
  pid-file "${dir}/named.pid";
  listen-on port ${port} { 127.0.0.1; };
  listen-on-v6 { none; };
  recursion no;
  dnssec-validation no;
  notify no;
};
controls { };
include "${dir}/key.conf";
zone "${zone}" {
  type primary;
  file "${dir}/${zone}.zone";
  update-policy { grant e2e-key zonesub ANY; };
};
`);
  const proc = spawn(NAMED, ['-g', '-4', '-c', path.join(dir, 'named.conf')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  proc.stderr.on('data', (d) => { log += d; });
  const resolver = new dns.promises.Resolver({ timeout: 1000, tries: 1 });
  resolver.setServers([`127.0.0.1:${port}`]);
  const deadline = Date.now() + 60000;
  for (;;) {
    try { await resolver.resolveSoa(zone); break; } catch (e) {
      if (proc.exitCode !== null || Date.now() > deadline) {
        proc.kill();
        throw new Error(`named did not start: ${e.code}\n${log.slice(-2000)}`);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  const keyFile = path.join(dir, 'key.conf');
  return {
    server: `127.0.0.1:${port}`,
    port,
    keyFile,
    /** Publishes one TXT record, split into ≤255-byte strings like a zone file would. */
    publishTxt(name, value) {
      const strings = value.match(/.{1,255}/g).map((c) => `"${c}"`).join(' ');
      execFileSync('/usr/bin/nsupdate', ['-k', keyFile], {
        input: `server 127.0.0.1 ${port}\nzone ${zone}\nupdate delete ${name}. TXT\nupdate add ${name}. 60 TXT ${strings}\nsend\n`,
      });
    },
    async stop() {
      if (proc.exitCode === null) {
        proc.kill('SIGTERM');
        await new Promise((r) => proc.once('exit', r));
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
