import { readFile } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Emulators } from '../emulators/index.js';
import type { Sandbox } from '../helpers/cli.js';
import { plain, runPty } from '../helpers/pty.js';
import { initialized } from './terminal-helpers.js';

let emu: Emulators;
let box: Sandbox;
let cleanup: () => Promise<void>;

beforeEach(async () => {
  ({ emu, box, cleanup } = await initialized());
});
afterEach(() => cleanup());

describe('Ctrl-C on a terminal', () => {
  it('stops the progress, shows the cursor again, says nothing changed and exits 130', async () => {
    const before = await readFile(box.credentials, 'utf8');
    emu.sts.latencyMs = 20_000; // STS never answers before the interrupt
    const run = runPty(['refresh'], { env: box.env });
    await run.waitFor('okta-222222222222-Auditor');
    run.type('\x03');
    const { code, output } = await run.done;
    expect(code).toBe(130);
    const afterKey = output.slice(output.lastIndexOf('^C'));
    expect(afterKey).toContain('\x1b[?25h');
    expect(plain(afterKey)).toMatch(/✖ okta-222222222222-Auditor/); // the spinners stopped, marked as not done
    expect(plain(afterKey)).toMatch(/^okta-aws: interrupted; every file is as it was/m);
    expect(await readFile(box.credentials, 'utf8')).toBe(before);
  });

  it('during init\'s check, too', async () => {
    emu.okta.faults.add({ kind: 'hang', path: '/api/v1/authn' });
    const run = runPty(['init', '--sso-url', emu.okta.ssoUrl, '--username', 'alice@example.com', '--region', 'eu-west-1'], { env: box.env });
    await run.waitFor('Signing in to Okta');
    run.type('\x03');
    const { code, output } = await run.done;
    expect(code).toBe(130);
    const afterKey = output.slice(output.lastIndexOf('^C'));
    expect(afterKey).toContain('\x1b[?25h');
    expect(plain(afterKey)).toMatch(/^okta-aws: interrupted; every file is as it was/m);
  });
});
