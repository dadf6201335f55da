import { describe, expect, it } from 'vitest';
import { DEFAULT_PUSH_TIMEOUT_SECONDS, pushOptions } from '../../../src/services/config.js';
import { thrown } from '../../helpers/user-error.js';

const env = (extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({ OKTA_AWS_HOME: '/nowhere', ...extra });

describe('pushOptions (mfa_factor, OKTA_AWS_MFA_FACTOR, OKTA_AWS_PUSH_DEVICE, OKTA_AWS_PUSH_TIMEOUT)', () => {
  it('defaults: auto, the first device, 120 s', () => {
    expect(pushOptions(env(), undefined)).toEqual({ mfaFactor: 'auto', pushDevice: undefined, pushTimeoutSeconds: DEFAULT_PUSH_TIMEOUT_SECONDS });
    expect(DEFAULT_PUSH_TIMEOUT_SECONDS).toBe(120);
  });

  it('the environment wins over settings.json', () => {
    expect(pushOptions(env(), { mfa_factor: 'push' }).mfaFactor).toBe('push');
    expect(pushOptions(env({ OKTA_AWS_MFA_FACTOR: 'totp' }), { mfa_factor: 'push' }).mfaFactor).toBe('totp');
    expect(pushOptions(env({ OKTA_AWS_PUSH_DEVICE: " Jane's iPad ", OKTA_AWS_PUSH_TIMEOUT: '30' }), undefined)).toMatchObject({ pushDevice: "Jane's iPad", pushTimeoutSeconds: 30 });
  });

  it('refuses unknown factors and timeouts outside 1–600 whole seconds, naming where the value came from', () => {
    expect(thrown(() => pushOptions(env({ OKTA_AWS_MFA_FACTOR: 'sms' }), undefined)).message).toMatch(/^OKTA_AWS_MFA_FACTOR is "sms", not one of auto, totp, push/);
    expect(thrown(() => pushOptions(env(), { mfa_factor: 'Push' as never })).message).toMatch(/^mfa_factor in \/nowhere\/settings.json is "Push"/);
    for (const bad of ['0', '601', '1.5', 'soon', '-3']) {
      expect(thrown(() => pushOptions(env({ OKTA_AWS_PUSH_TIMEOUT: bad }), undefined)).code).toBe('BAD_SETTINGS');
    }
    expect(pushOptions(env({ OKTA_AWS_PUSH_TIMEOUT: '600' }), undefined).pushTimeoutSeconds).toBe(600);
  });
});
