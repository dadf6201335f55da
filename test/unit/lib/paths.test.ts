import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { INTERRUPT_EVENT, onInterrupt } from '../../../src/lib/interrupt.js';
import { appHome, baseHome, cacheDir, configFile, configName, configsDir, credentialsFile, settingsFile, stateFile } from '../../../src/lib/paths.js';

describe('configName', () => {
  it('is undefined for the default configuration, however it is named', () => {
    for (const name of [undefined, '', 'default']) expect(configName({ OKTA_AWS_CONFIG: name })).toBeUndefined();
  });

  it('takes 1 to 32 lower-case letters, digits and inner hyphens', () => {
    for (const name of ['a', '7', 'acme', 'a-b', 'prod-eu-1', 'a'.repeat(32)]) expect(configName({ OKTA_AWS_CONFIG: name })).toBe(name);
  });

  it('refuses anything else, saying what a name may hold', () => {
    for (const name of ['Acme', '-a', 'a-', 'a_b', 'a b', '../x', 'a'.repeat(33), ' acme']) {
      expect(() => configName({ OKTA_AWS_CONFIG: name })).toThrow(
        expect.objectContaining({
          message: `"${name}" is not a configuration name`,
          hint: 'Use 1–32 lower-case letters, digits and inner hyphens (it becomes part of profile names), e.g. --config acme.',
          code: 'BAD_CONFIG',
        }),
      );
    }
  });
});

describe('folders and files', () => {
  it('live in ~/.aws/okta-aws, or OKTA_AWS_HOME made absolute', () => {
    const base = join(homedir(), '.aws', 'okta-aws');
    expect(baseHome({})).toBe(base);
    expect(appHome({})).toBe(base);
    expect(baseHome({ OKTA_AWS_HOME: 'rel/home' })).toBe(resolve('rel/home'));
    const env = { OKTA_AWS_HOME: '/h' };
    expect([settingsFile(env), stateFile(env), cacheDir(env), configsDir(env)]).toEqual(['/h/settings.json', '/h/state.json', '/h/cache', '/h/configs']);
  });

  it('of a named configuration live in configs/<name>, laid out like the default one', () => {
    const env = { OKTA_AWS_HOME: '/h', OKTA_AWS_CONFIG: 'acme' };
    expect(appHome(env)).toBe('/h/configs/acme');
    expect([settingsFile(env), stateFile(env), cacheDir(env), configsDir(env)]).toEqual([
      '/h/configs/acme/settings.json',
      '/h/configs/acme/state.json',
      '/h/configs/acme/cache',
      '/h/configs',
    ]);
    expect(appHome({ OKTA_AWS_HOME: '/h', OKTA_AWS_CONFIG: 'default' })).toBe('/h');
  });

  it("are the AWS CLI's files, or where AWS_SHARED_CREDENTIALS_FILE and AWS_CONFIG_FILE say (made absolute)", () => {
    expect(credentialsFile({})).toBe(join(homedir(), '.aws', 'credentials'));
    expect(configFile({})).toBe(join(homedir(), '.aws', 'config'));
    expect(credentialsFile({ AWS_SHARED_CREDENTIALS_FILE: 'c' })).toBe(resolve('c'));
    expect(configFile({ AWS_CONFIG_FILE: 'k' })).toBe(resolve('k'));
  });
});

describe('onInterrupt', () => {
  it('runs the undo on an interrupt while registered, and hands its promise to the waiter', async () => {
    const undone: string[] = [];
    const release = onInterrupt(async () => {
      undone.push('undo');
    });
    // bin/run.js's side of it, which plain JavaScript can emit without Node's typed event list.
    const interrupt = (waits: Promise<unknown>[]) => (process.emit as (event: string, ...args: unknown[]) => boolean)(INTERRUPT_EVENT, waits);
    const waits: Promise<unknown>[] = [];
    interrupt(waits);
    expect(waits).toHaveLength(1);
    await Promise.all(waits);
    expect(undone).toEqual(['undo']);
    release();
    const later: Promise<unknown>[] = [];
    interrupt(later);
    expect(later).toEqual([]);
    expect(undone).toEqual(['undo']);
  });
});
