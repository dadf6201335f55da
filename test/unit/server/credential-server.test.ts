import { request } from 'node:http';
import { describe, expect, it } from 'vitest';
import type { ProfileCredentials } from '../../../src/aws/types.js';
import { UserError } from '../../../src/lib/errors.js';
import { isLoopbackHost, newToken, startCredentialServer, tokensMatch } from '../../../src/server/credential-server.js';
import { refreshingSource } from '../../../src/server/refreshing-source.js';

const creds = (key: string, msLeft: number): ProfileCredentials => ({
  profile: 'okta-111111111111-Admin',
  accessKeyId: key,
  secretAccessKey: `secret-${key}`,
  sessionToken: `token-${key}`,
  expiration: new Date(Date.now() + msLeft),
  roleArn: 'arn:aws:iam::111111111111:role/Admin',
  region: 'us-east-1',
  partition: 'aws',
  chained: false,
});

function get(port: number, path: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode!, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('tokens', () => {
  it('are 32 random bytes, URL-safe, and compared exactly', () => {
    const token = newToken();
    expect(Buffer.from(token, 'base64url')).toHaveLength(32);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(newToken()).not.toBe(token);
    expect(tokensMatch(token, token)).toBe(true);
    expect(tokensMatch(`${token}x`, token)).toBe(false);
    expect(tokensMatch(token.slice(1), token)).toBe(false);
    expect(tokensMatch('', token)).toBe(false);
    expect(tokensMatch(undefined, token)).toBe(false);
  });
});

describe('isLoopbackHost', () => {
  it.each([
    ['127.0.0.1:8080', true],
    ['127.0.0.1', true],
    ['127.1.2.3:1', true],
    ['localhost:9911', true],
    ['[::1]:9911', true],
    ['evil.example:9911', false],
    ['127.0.0.1.evil.example', false],
    ['localhost.evil.example:80', false],
    ['10.0.0.1:80', false],
    ['', false],
    [undefined, false],
  ])('%s → %s', (host, expected) => {
    expect(isLoopbackHost(host)).toBe(expected);
  });
});

describe('startCredentialServer', () => {
  it('answers the container-credentials JSON only with the token, the loopback Host and a known path', async () => {
    const token = newToken();
    const fresh = creds('ASIAFRESH', 3_600_000);
    let fail = false;
    const records: string[] = [];
    const server = await startCredentialServer({
      token,
      route: (path) =>
        path === '/p'
          ? { profile: 'okta-111111111111-Admin', source: async () => (fail ? Promise.reject(new UserError('Okta refused the password', { hint: 'Run `okta-aws init`.' })) : fresh) }
          : undefined,
      onRequest: (r) => records.push(`${r.status} ${r.outcome}`),
    });
    try {
      const ok = await get(server.port, '/p', { authorization: token });
      expect(ok.status).toBe(200);
      expect(JSON.parse(ok.body)).toEqual({
        AccessKeyId: 'ASIAFRESH',
        SecretAccessKey: 'secret-ASIAFRESH',
        Token: 'token-ASIAFRESH',
        Expiration: fresh.expiration.toISOString().replace(/\.\d{3}Z$/, 'Z'),
        RoleArn: fresh.roleArn,
      });
      expect(await get(server.port, '/p', { authorization: 'wrong' })).toEqual({ status: 403, body: '{"Message":"invalid Authorization token"}' });
      expect((await get(server.port, '/p', { authorization: token, host: 'attacker.example' })).status).toBe(403);
      expect((await get(server.port, '/q', { authorization: token })).status).toBe(404);
      fail = true;
      const failed = await get(server.port, '/p', { authorization: token });
      expect(failed.status).toBe(500);
      expect(JSON.parse(failed.body)).toEqual({ Message: 'Okta refused the password. Run `okta-aws init`.' });
      expect(records.join('\n')).not.toContain('secret-');
      expect(records).toHaveLength(5);
    } finally {
      await server.close();
    }
  });
});

describe('refreshingSource', () => {
  it('serves from memory while more than 5 minutes are left', async () => {
    let calls = 0;
    const source = refreshingSource(async () => (calls++, creds('A', 6 * 60_000)));
    try {
      expect((await source.get()).accessKeyId).toBe('A');
      expect((await source.get()).accessKeyId).toBe('A');
      expect(calls).toBe(1);
    } finally {
      source.stop();
    }
  });

  it('asks the chain again once fewer are left, and concurrent callers share that one call', async () => {
    const answers = [creds('B', 60_000), creds('C', 3_600_000)];
    let calls = 0;
    const source = refreshingSource(async () => answers[calls++]!);
    try {
      expect((await source.get()).accessKeyId).toBe('B');
      const [x, y] = await Promise.all([source.get(), source.get()]);
      expect([x.accessKeyId, y.accessKeyId]).toEqual(['C', 'C']);
      expect(calls).toBe(2);
    } finally {
      source.stop();
    }
  });

  it('lets a failed refresh fail the request, and tries again on the next one', async () => {
    let calls = 0;
    const source = refreshingSource(async () => {
      calls += 1;
      if (calls === 1) throw new UserError('no network');
      return creds('D', 3_600_000);
    });
    try {
      await expect(source.get()).rejects.toThrow('no network');
      expect((await source.get()).accessKeyId).toBe('D');
    } finally {
      source.stop();
    }
  });
});
