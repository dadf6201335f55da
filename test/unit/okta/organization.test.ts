/** okta/organization: the org's engine read from /.well-known/okta-organization once, then remembered. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createHttpClient } from '../../../src/lib/http.js';
import { enableDebug } from '../../../src/lib/log.js';
import { readState } from '../../../src/lib/state.js';
import { orgPipeline } from '../../../src/okta/organization.js';
import { type ScriptedAnswer, scriptedServer } from '../../helpers/scripted-server.js';

let home: string;
let env: NodeJS.ProcessEnv;
let server: Awaited<ReturnType<typeof scriptedServer>>;
beforeEach(async () => {
  home = await mkdtemp(join(tmpdir(), 'okta-aws-org-'));
  env = { OKTA_AWS_HOME: home };
});
afterEach(async () => {
  await server.close();
  await rm(home, { recursive: true, force: true });
});

const ask = async (...answers: ScriptedAnswer[]) => {
  server = await scriptedServer(...answers);
  return orgPipeline(await createHttpClient({ env: {} }), server.url, env);
};

describe('orgPipeline', () => {
  it.each(['idx', 'v1'])('reads %s, asking for JSON, and remembers it per origin', async (pipeline) => {
    expect(await ask({ body: { id: '00o1', pipeline } })).toBe(pipeline);
    expect(server.received).toMatchObject([{ method: 'GET', path: '/.well-known/okta-organization', headers: { accept: 'application/json' } }]);
    expect((await readState(env)).org_pipelines).toEqual({ [server.url]: pipeline });
    // The second time it is not asked again.
    expect(await orgPipeline(await createHttpClient({ env: {} }), server.url, env)).toBe(pipeline);
    expect(server.received).toHaveLength(1);
  });

  it('keeps the pipelines of other origins', async () => {
    expect(await ask({ body: { pipeline: 'idx' } })).toBe('idx');
    const first = server.url;
    await server.close();
    expect(await ask({ body: { pipeline: 'v1' } })).toBe('v1');
    expect((await readState(env)).org_pipelines).toEqual({ [first]: 'idx', [server.url]: 'v1' });
  });

  it.each<[string, ScriptedAnswer]>([
    ['an unknown pipeline', { body: { pipeline: 'v2' } }],
    ['no pipeline', { body: { id: '00o1' } }],
    ['JSON null', { body: null }],
    ['a 404', { status: 404, body: { pipeline: 'idx' } }],
  ])('cannot tell from %s, and remembers nothing', async (_what, answer) => {
    expect(await ask(answer)).toBeUndefined();
    expect((await readState(env)).org_pipelines).toBeUndefined();
  });

  it('cannot tell from a page that is not JSON, and says why under --debug', async () => {
    enableDebug();
    const lines: string[] = [];
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => (lines.push(String(chunk)), true));
    try {
      expect(await ask({ headers: { 'Content-Type': 'text/html' }, body: '<html>' })).toBeUndefined();
    } finally {
      spy.mockRestore();
    }
    expect(lines.filter((l) => l.includes('could not read'))).toEqual([`okta-aws: could not read ${server.url}/.well-known/okta-organization: ${errorOf('<html>')}\n`]);
  });
});

function errorOf(text: string): string {
  try {
    JSON.parse(text);
  } catch (error) {
    return (error as Error).message;
  }
  return '';
}
