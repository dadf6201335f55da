import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Emulators } from '../emulators/index.js';
import { type Sandbox, runCli } from '../helpers/cli.js';
import { plain, runPty } from '../helpers/pty.js';
import { initialized } from './terminal-helpers.js';

let emu: Emulators;
let box: Sandbox;
let cleanup: () => Promise<void>;

beforeEach(async () => {
  ({ emu, box, cleanup } = await initialized());
});
afterEach(() => cleanup());

const CURSOR_HIDE = '\x1b[?25l';
// eslint-disable-next-line no-control-regex
const COLOUR = /\x1b\[\d+(;\d+)*m/;

/** The environment without NO_COLOR (the sandbox sets it), plus `extra`. */
function colourEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env = { ...box.env, ...extra };
  if (!('NO_COLOR' in extra)) delete env.NO_COLOR;
  return env;
}

describe('progress follows stderr, not stdout', () => {
  it('animates on a terminal even when stdout goes to a file', async () => {
    const out = join(box.home, 'out.txt');
    const { code, output } = await runPty(['refresh'], { env: colourEnv(), stdoutTo: out }).done;
    expect(code).toBe(0);
    expect(output).toContain(CURSOR_HIDE); // the redrawing renderer, not the log-style one
    expect(plain(output)).toContain('✔ Assuming 3 roles through STS');
    expect(await readFile(out, 'utf8')).toMatch(/^okta-111111111111-Admin\tarn:aws:iam::111111111111:role\/Admin\t/m);
  });

  it('writes plain lines without colour codes when stderr goes to a file, even with stdout on a terminal', async () => {
    const log = join(box.home, 'log.txt');
    const { code } = await runPty(['refresh'], { env: colourEnv(), stderrTo: log }).done;
    expect(code).toBe(0);
    const text = await readFile(log, 'utf8');
    expect(text).toContain('✔ Assuming 3 roles through STS');
    expect(text).not.toContain('\x1b[');
  });

  it('honours FORCE_COLOR in a log', async () => {
    const log = join(box.home, 'log.txt');
    const { code } = await runPty(['refresh'], { env: colourEnv({ FORCE_COLOR: '1' }), stderrTo: log }).done;
    expect(code).toBe(0);
    const text = await readFile(log, 'utf8');
    expect(text).toMatch(COLOUR);
    expect(text).not.toContain(CURSOR_HIDE);
  });

  it('draws no animation on TERM=dumb and no colour with NO_COLOR', async () => {
    const dumb = await runPty(['refresh'], { env: colourEnv({ TERM: 'dumb' }) }).done;
    expect(dumb.code).toBe(0);
    expect(dumb.output).not.toContain(CURSOR_HIDE);
    expect(dumb.output).not.toMatch(COLOUR);
    expect(dumb.output).toContain('✔ Assuming 3 roles through STS');

    const noColour = await runPty(['refresh'], { env: colourEnv({ NO_COLOR: '1' }) }).done;
    expect(noColour.code).toBe(0);
    expect(noColour.output).toContain(CURSOR_HIDE);
    expect(noColour.output).not.toMatch(COLOUR);
  });
});

describe('waits are said', () => {
  it('counts down Okta\'s rate-limit wait on a terminal', async () => {
    emu.okta.faults.add({ kind: 'rateLimit', path: '/api/v1/authn', resetInSeconds: 2 });
    const { code, output } = await runPty(['refresh'], { env: box.env }).done;
    expect(code).toBe(0);
    const said = [...plain(output).matchAll(/Okta rate limit: retrying in (\d+) s/g)].map((m) => Number(m[1]));
    expect(said.length).toBeGreaterThan(1);
    expect(said.at(-1)).toBe(1);
    expect(Math.max(...said)).toBeGreaterThan(1); // counted down, not said once
  });

  it('says it once, as a plain line, without a terminal', async () => {
    emu.okta.faults.add({ kind: 'rateLimit', path: '/api/v1/authn', resetInSeconds: 2 });
    const run = await runCli(['refresh'], { env: box.env });
    expect(run.code).toBe(0);
    expect(run.stderr.match(/Okta rate limit: retrying in \d s/g)).toHaveLength(1);
    expect(run.stderr).toMatch(/^ {2}Okta rate limit: retrying in [1-3] s$/m);
  });
});
