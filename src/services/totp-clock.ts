import { chooseStep, currentStep, totpCode } from '../lib/totp.js';
import { readState, updateState } from '../lib/state.js';
import type { CodeSource } from '../okta/authn.js';
import { type Wait, quietWait } from '../lib/wait.js';

/**
 * TOTP codes that never fail on timing: the last step sent is remembered per user (Okta refuses a
 * step twice), and a step about to end is skipped for the next one, waiting only until it starts.
 */
export function totpCodeSource(user: string, secret: () => Promise<string>, env: NodeJS.ProcessEnv, wait: Wait = quietWait): CodeSource {
  return async (afterReuse) => {
    const remembered = (await readState(env)).totp_steps?.[user];
    // After Okta said "used once", the current step is burnt even if we never sent it ourselves.
    const lastUsedStep = afterReuse ? Math.max(remembered ?? 0, currentStep(Date.now())) : remembered;
    const { step, waitMs } = chooseStep({ nowMs: Date.now(), lastUsedStep });
    if (waitMs > 0) await wait(waitMs, (seconds) => `waiting ${seconds} s for the next TOTP code (Okta accepts each code once)`);
    const code = await totpCode(await secret(), step);
    await updateState((state) => {
      state.totp_steps = { ...state.totp_steps, [user]: Math.max(step, state.totp_steps?.[user] ?? 0) };
    }, env);
    return code;
  };
}
