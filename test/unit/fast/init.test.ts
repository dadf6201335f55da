import { describe, expect, it } from 'vitest';
import { VALUE_FLAGS, parseInitArgs } from '../../../src/fast/init.js';
import { manifestFlags } from '../../helpers/fast-and-full.js';

describe('the fast init parser', () => {
  it('knows every flag of the init command as oclif declares it (bin/run.js takes --config first)', async () => {
    const { config, flags } = await manifestFlags('init');
    expect(config?.type).toBe('option');
    expect(Object.values(flags).some((f) => f.char)).toBe(false);
    const options = Object.fromEntries(Object.entries(flags).filter(([, f]) => f.type === 'option').map(([name, f]) => [name, f.options]));
    expect(options).toEqual(Object.fromEntries(Object.entries(VALUE_FLAGS).map(([name, values]) => [name, values === undefined ? undefined : [...values]])));
    const booleans = Object.entries(flags).filter(([, f]) => f.type === 'boolean');
    expect(Object.fromEntries(booleans.map(([name, f]) => [name, f.allowNo]))).toEqual({ debug: false, verify: true });
  });

  it('takes the forms oclif takes the same way', () => {
    expect(parseInitArgs([])).toEqual({ values: {}, verify: true, debug: false });
    expect(parseInitArgs(['--sso-url', 'https://x', '--username=me', '--flow', 'device', '--no-verify', '--debug'])).toEqual({
      values: { 'sso-url': 'https://x', username: 'me', flow: 'device' },
      verify: false,
      debug: true,
    });
    expect(parseInitArgs(['--region=a=b'])?.values).toEqual({ region: 'a=b' });
  });

  it.each([
    [['--help']],
    [['-h']],
    [['x']],
    [['--']],
    [['--nope']],
    [['--region']],
    [['--region', '']],
    [['--region=']],
    [['--region', '-x']],
    [['--flow', 'other']],
    [['--profile-names=ids']],
    [['--factor', 'sms']],
    [['--store', 'file', '--store', 'file']],
    [['--verify', '--no-verify']],
    [['--verify=true']],
    [['--no-debug']],
    [['--debug', '--debug']],
  ])('leaves %j to oclif', (args) => {
    expect(parseInitArgs(args)).toBeUndefined();
  });
});
