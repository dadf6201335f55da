import { describe, expect, it } from 'vitest';
import { VALUE_FLAGS, parseRefreshArgs } from '../../../src/fast/refresh.js';
import { manifestFlags } from '../../helpers/fast-and-full.js';

describe('the fast refresh parser', () => {
  it('knows every flag of the refresh command as oclif declares it (bin/run.js takes --config first)', async () => {
    const { config, flags } = await manifestFlags('refresh');
    expect(config?.type).toBe('option');
    expect(Object.values(flags).some((f) => f.char)).toBe(false);
    const options = Object.fromEntries(Object.entries(flags).filter(([, f]) => f.type === 'option').map(([name, f]) => [name, f.options]));
    expect(options).toEqual({ duration: undefined, mode: [...VALUE_FLAGS.mode] });
    const booleans = Object.entries(flags).filter(([, f]) => f.type === 'boolean');
    expect(Object.fromEntries(booleans.map(([name, f]) => [name, f.allowNo]))).toEqual({ debug: false, json: false });
  });

  it('takes the forms oclif takes the same way', () => {
    expect(parseRefreshArgs([])).toEqual({ json: false, debug: false });
    expect(parseRefreshArgs(['--json', '--duration', '900', '--mode=process', '--debug'])).toEqual({ duration: 900, mode: 'process', json: true, debug: true });
    expect(parseRefreshArgs(['--duration=43200', '--mode', 'static'])).toEqual({ duration: 43200, mode: 'static', json: false, debug: false });
    expect(parseRefreshArgs(['--duration', '03600'])?.duration).toBe(3600);
  });

  it.each([
    [['--help']],
    [['-h']],
    [['x']],
    [['--']],
    [['--nope']],
    [['--duration']],
    [['--duration', '']],
    [['--duration', '899']],
    [['--duration', '43201']],
    [['--duration', '+900']],
    [['--duration', '-900']],
    [['--duration', '900.5']],
    [['--duration', '1e3']],
    [['--mode', 'other']],
    [['--mode=']],
    [['--json', '--json']],
    [['--json=true']],
    [['--no-json']],
    [['--no-debug']],
    [['--duration', '900', '--duration=900']],
  ])('leaves %j to oclif', (args) => {
    expect(parseRefreshArgs(args)).toBeUndefined();
  });
});
