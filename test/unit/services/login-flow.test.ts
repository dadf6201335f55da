import { describe, expect, it } from 'vitest';
import { resolveLoginFlow } from '../../../src/services/config.js';

describe('resolveLoginFlow', () => {
  it('auto picks device exactly when a client id is set', () => {
    expect(resolveLoginFlow({})).toEqual({ loginFlow: 'authn', clientId: undefined });
    expect(resolveLoginFlow({ flow: 'auto', clientId: '0oa1abc' })).toEqual({ loginFlow: 'device', clientId: '0oa1abc' });
    expect(resolveLoginFlow({ flow: 'authn', clientId: '0oa1abc' })).toEqual({ loginFlow: 'authn', clientId: '0oa1abc' });
  });

  it('device without a client id, an unknown flow and a malformed client id each name the fix', () => {
    expect(() => resolveLoginFlow({ flow: 'device' })).toThrow(/needs the client id/);
    expect(() => resolveLoginFlow({ flow: 'browser' })).toThrow(/not one of auto, authn, device/);
    expect(() => resolveLoginFlow({ clientId: 'a b' })).toThrow(/not an Okta client id/);
    expect(() => resolveLoginFlow({ clientId: 42 })).toThrow(/not an Okta client id/);
  });
});
