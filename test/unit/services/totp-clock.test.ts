import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { currentStep } from '../../../src/lib/totp.js';
import { updateState } from '../../../src/lib/state.js';
import { totpCodeSource } from '../../../src/services/totp-clock.js';

const home = mkdtempSync(join(tmpdir(), 'totp-clock-'));
afterAll(() => rmSync(home, { recursive: true, force: true }));
const env = { OKTA_AWS_HOME: home };

describe('totpCodeSource', () => {
  it('says why it waits for the next step, through the wait it is given', async () => {
    await updateState((state) => {
      state.totp_steps = { 'me@example.com': currentStep(Date.now()) };
    }, env);
    const waits: { ms: number; said: string }[] = [];
    const source = totpCodeSource('me@example.com', async () => 'KRSXG5CTMVRXEZLU', env, async (ms, say) => {
      waits.push({ ms, said: say(23) });
    });
    expect(await source(false)).toMatch(/^\d{6}$/);
    expect(waits).toHaveLength(1);
    expect(waits[0]!.ms).toBeGreaterThan(0);
    expect(waits[0]!.ms).toBeLessThanOrEqual(30_000);
    expect(waits[0]!.said).toBe('waiting 23 s for the next TOTP code (Okta accepts each code once)');
  });
});
