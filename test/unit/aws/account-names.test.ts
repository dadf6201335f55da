/** aws/account-names: reading the AWS sign-in page (the federation emulator's POST /saml), and remembering it a day. */
import { mkdtempSync, rmSync } from 'node:fs';
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { accountNamesFor, fetchAccountNames, NAMES_MAX_AGE_MS, rememberedNames, signinBase } from '../../../src/aws/account-names.js';
import { enableDebug } from '../../../src/lib/log.js';
import type { State } from '../../../src/lib/state.js';
import { FIXTURE_ACCOUNT_ALIASES, FIXTURE_ROLES, startFederation, startSts, Trust, type Federation, type Sts } from '../../emulators/index.js';
import { buildSamlResponse, type SamlRole } from '../../emulators/saml.js';

const NOW = Date.parse('2030-01-01T00:00:00Z');
const NAMES = { '111111111111': 'acme-prod', '222222222222': null };

let trust: Trust;
let sts: Sts;
let fed: Federation;
let home: string;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  trust = new Trust();
  sts = await startSts({ trust });
  fed = await startFederation({ sts, trust, accountAliases: FIXTURE_ACCOUNT_ALIASES });
});
afterAll(async () => {
  await Promise.all([fed.close(), sts.close()]);
});
beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'names-'));
  env = { OKTA_AWS_HOME: home, AWS_ENDPOINT_URL_SIGNIN: fed.url };
  fed.samlPage.format = 'classic';
  fed.counters.samlPage = 0;
});
afterAll(() => rmSync(home, { recursive: true, force: true }));

/** A SAMLResponse the emulated AWS trusts, as Okta would post it. */
function assertion(roles: SamlRole[] = FIXTURE_ROLES): string {
  const built = buildSamlResponse({ issuer: 'http://www.okta.com/exk1', destination: 'https://signin.aws.amazon.com/saml', nameId: 'alice@example.com', roles, now: Date.now() });
  trust.record(built.assertion);
  return built.base64;
}

const stateOf = async () => JSON.parse(await readFile(join(home, 'state.json'), 'utf8')) as State;
const remember = async (names: Record<string, string | null>, checkedAt: number) => {
  await mkdir(home, { recursive: true });
  await writeFile(join(home, 'state.json'), JSON.stringify({ account_names: { names, checkedAt } }));
};

describe('fetchAccountNames', () => {
  it.each(['classic', 'meta'] as const)('reads the names from the %s page', async (format) => {
    fed.samlPage.format = format;
    expect(await fetchAccountNames({ signin: fed.url, samlResponse: assertion(), env })).toEqual({ names: NAMES });
    expect(fed.counters.samlPage).toBe(1);
  });

  it('takes a redirect (a single role: AWS goes straight to the console) as no names and no problem', async () => {
    expect(await fetchAccountNames({ signin: fed.url, samlResponse: assertion(FIXTURE_ROLES.slice(0, 1)), env })).toEqual({ names: {} });
  });

  it.each([
    ['garbage', 'the page is in a format okta-aws does not know'],
    ['error', 'AWS answered 500'],
  ] as const)('a %s page is a problem, said in a few words', async (format, problem) => {
    fed.samlPage.format = format;
    expect(await fetchAccountNames({ signin: fed.url, samlResponse: assertion(), env })).toEqual({ problem });
  });

  it('an assertion AWS does not trust is refused (400)', async () => {
    expect(await fetchAccountNames({ signin: fed.url, samlResponse: Buffer.from('<x/>').toString('base64'), env })).toEqual({ problem: 'AWS answered 400' });
  });

  it('an unreachable host is a problem, not an exception, and --debug says it', async () => {
    const lines: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string) => (lines.push(String(chunk)), true)) as typeof process.stderr.write;
    let outcome;
    try {
      enableDebug();
      outcome = await fetchAccountNames({ signin: 'http://127.0.0.1:9', samlResponse: assertion(), env });
    } finally {
      process.stderr.write = write;
    }
    expect(outcome).toEqual({ problem: expect.stringMatching(/127\.0\.0\.1:9/) });
    expect(lines).toContain(`okta-aws: account names: ${(outcome as { problem: string }).problem}\n`);
  });

  describe('the request', () => {
    let recorder: Server;
    let seen: { method?: string; url?: string; type?: string; accept?: string; body: string }[];
    let status = 200;
    beforeAll(async () => {
      recorder = createServer((req, res) => {
        let body = '';
        req.on('data', (c: Buffer) => (body += c.toString()));
        req.on('end', () => {
          seen.push({ method: req.method, url: req.url, type: req.headers['content-type'], accept: req.headers.accept, body });
          res.writeHead(status, { 'Content-Type': 'text/html' });
          res.end('<div class="saml-account-name">Account: acme-prod (111111111111)</div>');
        });
      });
      await new Promise<void>((resolve) => recorder.listen(0, '127.0.0.1', resolve));
    });
    afterAll(() => new Promise<void>((resolve) => recorder.close(() => resolve())));
    beforeEach(() => {
      seen = [];
      status = 200;
    });
    const signin = () => `http://127.0.0.1:${(recorder.address() as AddressInfo).port}`;

    it('any 3xx is the console redirect of a single role: no names, no problem', async () => {
      status = 300;
      expect(await fetchAccountNames({ signin: signin(), samlResponse: 'PHNhbWw+', env })).toEqual({ names: {} });
    });

    it('follows the env it is given for the proxy, not the process’s', async () => {
      const saved = process.env.HTTP_PROXY;
      process.env.HTTP_PROXY = 'http://127.0.0.1:9'; // nothing listens there
      try {
        expect(await fetchAccountNames({ signin: signin(), samlResponse: 'PHNhbWw+', env: { OKTA_AWS_HOME: home } })).toEqual({ names: { '111111111111': 'acme-prod' } });
      } finally {
        if (saved === undefined) delete process.env.HTTP_PROXY;
        else process.env.HTTP_PROXY = saved;
      }
      expect(seen).toHaveLength(1);
    });

    it('is a form POST to <signin>/saml that asks for HTML, with RelayState only when there is one', async () => {
      const signin = `http://127.0.0.1:${(recorder.address() as AddressInfo).port}`;
      expect(await fetchAccountNames({ signin, samlResponse: 'PHNhbWw+', relayState: 'https://console.aws.amazon.com/', env })).toEqual({ names: { '111111111111': 'acme-prod' } });
      await fetchAccountNames({ signin, samlResponse: 'PHNhbWw+', env });
      expect(seen.map((s) => ({ ...s, body: Object.fromEntries(new URLSearchParams(s.body)) }))).toEqual([
        { method: 'POST', url: '/saml', type: 'application/x-www-form-urlencoded', accept: 'text/html', body: { SAMLResponse: 'PHNhbWw+', RelayState: 'https://console.aws.amazon.com/' } },
        { method: 'POST', url: '/saml', type: 'application/x-www-form-urlencoded', accept: 'text/html', body: { SAMLResponse: 'PHNhbWw+' } },
      ]);
    });
  });
});

describe('signinBase', () => {
  it('is AWS_ENDPOINT_URL_SIGNIN without trailing slashes, else the https origin of the Destination', () => {
    expect(signinBase({ AWS_ENDPOINT_URL_SIGNIN: 'http://127.0.0.1:8080//' }, 'https://signin.aws.amazon.com/saml')).toBe('http://127.0.0.1:8080');
    expect(signinBase({}, 'https://us-east-2.signin.aws.amazon.com/saml?x=1')).toBe('https://us-east-2.signin.aws.amazon.com');
    expect(signinBase({}, 'http://signin.aws.amazon.com/saml')).toBeUndefined();
    expect(signinBase({}, 'not a url')).toBeUndefined();
    expect(signinBase({}, undefined)).toBeUndefined();
    expect(signinBase({}, '')).toBeUndefined();
  });
});

describe('rememberedNames', () => {
  it('is the remembered entry only when it has a time and a names object', () => {
    const entry = { names: { '111111111111': 'acme-prod' }, checkedAt: 5 };
    expect(rememberedNames({ account_names: entry })).toBe(entry);
    expect(rememberedNames({ account_names: { names: {}, checkedAt: 0 } })).toEqual({ names: {}, checkedAt: 0 });
    for (const broken of [undefined, { names: {}, checkedAt: '5' }, { names: null, checkedAt: 5 }, { names: 'x', checkedAt: 5 }, { checkedAt: 5 }]) {
      expect(rememberedNames({ account_names: broken } as unknown as State), JSON.stringify(broken)).toBeUndefined();
    }
  });
});

describe('accountNamesFor', () => {
  it('reads the page once, then uses what it remembered for a day', async () => {
    expect(NAMES_MAX_AGE_MS).toBe(24 * 3600_000);
    const samlResponse = assertion();
    expect(await accountNamesFor({ env, samlResponse, now: NOW })).toEqual({ names: NAMES });
    expect(await stateOf()).toEqual({ account_names: { names: NAMES, checkedAt: NOW } });
    fed.samlPage.accountAliases = { '222222222222': 'acme-audit' };
    try {
      expect(await accountNamesFor({ env, samlResponse, now: NOW + NAMES_MAX_AGE_MS - 1 })).toEqual({ names: NAMES });
      expect(fed.counters.samlPage).toBe(1);
      // A day later it reads the page again, and what the page says now replaces what it remembered.
      expect(await accountNamesFor({ env, samlResponse: assertion(), now: NOW + NAMES_MAX_AGE_MS })).toEqual({ names: { '111111111111': null, '222222222222': 'acme-audit' } });
      expect(fed.counters.samlPage).toBe(2);
    } finally {
      fed.samlPage.accountAliases = { ...FIXTURE_ACCOUNT_ALIASES };
    }
  });

  it('keeps names of accounts the page does not show, and replaces those it does', async () => {
    await remember({ '333333333333': 'other-org', '111111111111': 'old-name' }, NOW - NAMES_MAX_AGE_MS);
    expect(await accountNamesFor({ env, samlResponse: assertion(), now: NOW })).toEqual({ names: { '333333333333': 'other-org', ...NAMES } });
  });

  it('uses the clock when given no time', async () => {
    const before = Date.now();
    await accountNamesFor({ env, samlResponse: assertion() });
    const { checkedAt } = (await stateOf()).account_names!;
    expect(checkedAt).toBeGreaterThanOrEqual(before);
    expect(checkedAt).toBeLessThanOrEqual(Date.now());
  });

  it('on a failure keeps the last known names, warns once, and remembers the attempt', async () => {
    await remember({ '111111111111': 'acme-prod' }, NOW - NAMES_MAX_AGE_MS - 1);
    fed.samlPage.format = 'garbage';
    expect(await accountNamesFor({ env, samlResponse: assertion(), now: NOW })).toEqual({
      names: { '111111111111': 'acme-prod' },
      warning: 'Could not read account names from the AWS sign-in page (the page is in a format okta-aws does not know); kept the last known names',
    });
    expect(await stateOf()).toEqual({ account_names: { names: { '111111111111': 'acme-prod' }, checkedAt: NOW } });
    expect(await accountNamesFor({ env, samlResponse: assertion(), now: NOW + 1000 })).toEqual({ names: { '111111111111': 'acme-prod' } });
    expect(fed.counters.samlPage).toBe(1);
  });

  it('with nothing known and no sign-in host, uses account ids and says why', async () => {
    expect(await accountNamesFor({ env: { OKTA_AWS_HOME: home }, samlResponse: assertion(), destination: 'http://signin.example/saml', now: NOW })).toEqual({
      names: {},
      warning: 'Could not read account names from the AWS sign-in page (the assertion names no sign-in host); using account ids',
    });
    expect(fed.counters.samlPage).toBe(0);
    expect(await stateOf()).toEqual({ account_names: { names: {}, checkedAt: NOW } });
  });
});
