// Quick UI iteration: `node dev-server.mjs` serves the UI with the mock API and prints sign-in links.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startMockApi, mintToken } from './lib/mock-api.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const secret = 'dev-secret';
const srv = await startMockApi({ port: Number(process.env.PORT || 8099), uiDir: path.resolve(here, '../src/main/resources/mailtrace-ui'), secret, dnsServer: process.env.DNS_SERVER });
console.log(`admin:        ${srv.url}/mail-sent#token=${mintToken(secret, { sub: 'alice', role: 'admin' })}`);
console.log(`domain-admin: ${srv.url}/mail-sent#token=${mintToken(secret, { sub: 'dora', role: 'domain-admin', domains: ['a.example'] })}`);
