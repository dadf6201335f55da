import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Sandbox, runCli, sandbox } from '../helpers/cli.js';
import { needing, which } from '../helpers/requires.js';

let box: Sandbox;
beforeEach(async () => {
  box = await sandbox();
});
afterEach(() => box.cleanup());

describe('top-level help', () => {
  it('has a Get started section (init, then refresh, then a profile) and examples in one style', async () => {
    const run = await runCli(['--help'], { env: box.env });
    expect(run.code).toBe(0);
    const start = run.stdout.slice(run.stdout.indexOf('GET STARTED'));
    expect(start).toMatch(/^GET STARTED\n {2}1\. \$ okta-aws init .*\n {2}2\. \$ okta-aws refresh .*\n {2}3\. \$ aws --profile okta-/);
    const examples = run.stdout.slice(run.stdout.indexOf('EXAMPLES')).split('\n\n')[0]!;
    const lines = examples.split('\n').slice(1).filter((l) => l.trim());
    expect(lines.length).toBeGreaterThan(2);
    for (const line of lines) expect(line).toMatch(/^ {2}\$ .*okta-aws /);
    expect(run.stdout.indexOf('GET STARTED')).toBeLessThan(run.stdout.indexOf('COMMANDS'));
  });
});

describe('shell completion', () => {
  const bashComplete = (script: string, words: string[]) =>
    new Promise<string[]>((resolve, reject) => {
      const line = `${script}\nCOMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _okta_aws_complete; printf '%s\\n' "\${COMPREPLY[@]}"`;
      execFile('bash', ['--norc', '-c', line], { env: box.env }, (error, stdout) => (error ? reject(error) : resolve(stdout.split('\n').filter(Boolean))));
    });

  it('says how to install it, oclif style', async () => {
    const run = await runCli(['autocomplete', 'bash'], { env: box.env });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('eval "$(okta-aws autocomplete bash --script)"');
    const fish = await runCli(['autocomplete', 'fish'], { env: box.env });
    expect(fish.stdout).toContain('okta-aws autocomplete fish --script > ~/.config/fish/completions/okta-aws.fish');
  });

  it('bash: completes commands, flags, and profile names from the cache without the network', async () => {
    const script = (await runCli(['autocomplete', 'bash', '--script'], { env: box.env })).stdout;
    expect(await bashComplete(script, ['okta-aws', 'ref'])).toEqual(['refresh']);
    expect(await bashComplete(script, ['okta-aws', 'roles', '--j'])).toEqual(['--json']);
    expect(await bashComplete(script, ['okta-aws', 'assume', ''])).toEqual([]); // no cache yet: nothing, and no login

    const cache = join(box.env.OKTA_AWS_HOME!, 'cache');
    await mkdir(cache, { recursive: true });
    // Names come from the cache file as refresh writes it; this one is for another identity, so it is ignored.
    await writeFile(join(cache, 'credentials.json'), JSON.stringify({ version: 1, identity: 'someone-else', roles: [{ profile: 'okta-1-X' }], credentials: {} }));
    expect(await bashComplete(script, ['okta-aws', 'assume', 'okta'])).toEqual([]);
  });

  it.runIf(which('zsh'))(needing('zsh', 'zsh: the script loads and registers the completion'), async () => {
    const script = (await runCli(['autocomplete', 'zsh', '--script'], { env: box.env })).stdout;
    const registered = await new Promise<string>((resolve, reject) =>
      execFile('zsh', ['-f', '-c', `autoload -U compinit && compinit -u; ${script}\nprint -r -- "\${_comps[okta-aws]}"`], (e, out) => (e ? reject(e) : resolve(out))),
    );
    expect(registered.trim()).toMatch(/_bash_complete .*-F _okta_aws_complete$/); // zsh completes okta-aws with our function
  });

  it.runIf(which('fish'))(needing('fish', 'fish: the script loads and completes commands and flags'), async () => {
    const script = (await runCli(['autocomplete', 'fish', '--script'], { env: box.env })).stdout;
    const completed = await new Promise<string>((resolve, reject) =>
      execFile('fish', ['--no-config', '-c', `${script}\ncomplete -C 'okta-aws ref'; complete -C 'okta-aws roles --j'`], (e, out) => (e ? reject(e) : resolve(out))),
    );
    expect(completed.split('\n').map((l) => l.split('\t')[0])).toEqual(['refresh', '--json', '']);
  });
});
