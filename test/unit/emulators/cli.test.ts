import { describe, it, expect } from 'vitest';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const CLI = fileURLToPath(new URL('../../emulators/cli.ts', import.meta.url));

describe('emulators cli (subprocess)', () => {
  it('prints one JSON line, serves, takes faults over HTTP and exits 0 on SIGTERM', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', CLI, '--roles', '40', '--sts-latency', '5'], { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const lines = createInterface({ input: child.stdout! });
      const [line] = (await once(lines, 'line')) as [string];
      const info = JSON.parse(line);
      expect(info.ssoUrl).toBe(`${info.oktaUrl}/app/amazon_aws/exk1abc/sso/saml`);
      expect(info.roles).toHaveLength(40);
      expect(info.env).toMatchObject({ AWS_ENDPOINT_URL_STS: info.stsUrl, AWS_ENDPOINT_URL_SIGNIN: info.signinUrl, OKTA_AWS_USERNAME: 'alice@example.com' });
      expect((await fetch(`${info.oktaUrl}/.well-known/okta-organization`)).status).toBe(200);
      const arm = await fetch(`${info.control.okta}/faults`, { method: 'POST', body: JSON.stringify({ kind: 'serverError', path: '/api/v1/authn' }) });
      expect(arm.status).toBe(200);
      const hit = await fetch(`${info.oktaUrl}/api/v1/authn`, { method: 'POST', headers: { 'Content-Type': 'application/json', Accept: 'application/json' }, body: '{}' });
      expect(hit.status).toBe(500);
      const counters = await (await fetch(`${info.control.okta}/counters`)).json();
      expect(counters.byPath['POST /api/v1/authn']).toBe(1);
      expect((await (await fetch(`${info.control.sts}/counters`)).json()).total).toBe(0);
    } finally {
      child.kill('SIGTERM');
    }
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(0);
  }, 20_000);
});
