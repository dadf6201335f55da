/** shell/completion: the scripts do what Tab should do, run in the real bash, zsh and fish. */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { COMPLETION_SHELLS, completionScript, installHint, type CompletionInput } from '../../../src/shell/completion.js';
import { quote } from '../../../src/shell/exports.js';
import { needing } from '../../helpers/requires.js';

const dir = mkdtempSync(join(tmpdir(), 'completion-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// What the script runs on Tab for profile names: a program in a folder with a space, as a real
// install path can be (macOS "Application Support", Windows user names).
mkdirSync(join(dir, 'my dir'));
const profiles = join(dir, 'my dir', "it's profiles");
writeFileSync(profiles, "#!/bin/sh\nprintf '%s\\n' okta-111111111111-Admin okta-222222222222-Dev\n");
chmodSync(profiles, 0o755);

const input = (shell: 'bash' | 'zsh' | 'fish', commands = COMMANDS): CompletionInput => ({
  bins: ['okta-aws', 'oa'],
  commands,
  profilesCommand: quote(profiles, shell),
});
const COMMANDS = [
  { id: 'refresh', flags: ['--force', '--profile'], takesProfile: false },
  { id: 'assume', flags: ['--duration', '--shell'], takesProfile: true },
  { id: 'console', flags: ['--open', '--no-open'], takesProfile: true },
];

const has = (shell: string) => spawnSync(shell, ['-c', 'true']).status === 0;

/** Sources the script in bash (or zsh), then prints what Tab offers for each command line, one per line. */
function bashTab(shell: 'bash' | 'zsh', script: string, lines: string[][]): { out: string[]; err: string } {
  const file = join(dir, `completion.${shell}`);
  writeFileSync(file, script);
  const queries = lines.map((words) => `tab ${words.map((w) => `'${w}'`).join(' ')}`).join('\n');
  const harness = [
    shell === 'zsh' ? 'autoload -U compinit && compinit -u' : '',
    `source '${file}'`,
    // zsh's bashcompinit runs the function under `emulate -L sh; setopt kshglob noshglob braceexpand` (its compgen).
    shell === 'zsh' ? 'tab() { emulate -L sh; setopt kshglob noshglob braceexpand; COMP_WORDS=("$@"); COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 )); _okta_aws_complete; echo "${COMPREPLY[*]}"; }' :
    'tab() { COMP_WORDS=("$@"); COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 )); _okta_aws_complete; echo "${COMPREPLY[*]}"; }',
    queries,
    'complete -p okta-aws oa',
  ].join('\n');
  const run = spawnSync(shell, ['-c', harness], { encoding: 'utf8', env: { PATH: process.env.PATH, HOME: dir } });
  return { out: run.stdout.split('\n').slice(0, -1), err: run.stderr };
}

describe('bash', () => {
  it('completes commands, a command’s flags, and profile names only where a command takes one', () => {
    const script = completionScript('bash', input('bash'));
    expect(script.startsWith('# okta-aws completion (bash)\n_okta_aws_complete() {\n')).toBe(true);
    expect(script.endsWith('}\ncomplete -o default -F _okta_aws_complete okta-aws oa\n')).toBe(true);
    const { out, err } = bashTab('bash', script, [
      ['okta-aws', ''],
      ['okta-aws', 'a'],
      ['okta-aws', 'refresh', '--'],
      ['okta-aws', 'refresh', '--f'],
      ['okta-aws', 'assume', '--'],
      ['okta-aws', 'console', '--no'],
      ['okta-aws', 'assume', ''],
      ['okta-aws', 'console', 'okta-2'],
      ['okta-aws', 'refresh', ''],
      ['okta-aws', 'assume', 'okta-111111111111-Admin', ''],
      ['okta-aws', 'assume', '--', '--'],
      ['okta-aws', 'exec', '--'],
    ]);
    expect(err).toBe('');
    expect(out).toEqual([
      'refresh assume console',
      'assume',
      '--force --profile',
      '--force',
      '--duration --shell',
      '--no-open',
      'okta-111111111111-Admin okta-222222222222-Dev',
      'okta-222222222222-Dev',
      '',
      '',
      '',
      '',
      'complete -o default -F _okta_aws_complete okta-aws',
      'complete -o default -F _okta_aws_complete oa',
    ]);
  });

  it('offers no profile names when no command takes one', () => {
    const script = completionScript('bash', input('bash', [{ id: 'refresh', flags: ['--force'], takesProfile: false }]));
    expect(script).not.toContain('COMP_CWORD" -eq 2');
    const { out, err } = bashTab('bash', script, [['okta-aws', 'refresh', ''], ['okta-aws', 'refresh', '-']]);
    expect(err).toBe('');
    expect(out.slice(0, 2)).toEqual(['', '--force']);
  });
});

describe.skipIf(!has('zsh'))('zsh', () => {
  it(needing('zsh', 'is the bash script behind bashcompinit, and completes the same'), () => {
    const script = completionScript('zsh', input('zsh'));
    expect(script.split('\n').slice(0, 3)).toEqual(['# okta-aws completion (bash)', 'autoload -U +X bashcompinit && bashcompinit', '_okta_aws_complete() {']);
    const { out, err } = bashTab('zsh', script, [['okta-aws', ''], ['okta-aws', 'assume', ''], ['okta-aws', 'console', '--'], ['okta-aws', 'assume', '--', '']]);
    expect(err).toBe('');
    // zsh's compgen leaves matching the word typed so far to compadd, so every candidate comes back.
    expect(out.slice(0, 4)).toEqual(['refresh assume console', 'okta-111111111111-Admin okta-222222222222-Dev', '--open --no-open', '']);
  });
});

describe.skipIf(!has('fish'))('fish', () => {
  it(needing('fish', 'completes commands, flags and profile names, for every name the CLI answers to'), () => {
    const script = completionScript('fish', input('fish'));
    expect(script.startsWith('# okta-aws completion (fish)\n')).toBe(true);
    expect(script.endsWith('2>/dev/null)\'\n')).toBe(true);
    const file = join(dir, 'completion.fish');
    writeFileSync(file, script);
    const queries = ['okta-aws ', 'oa re', 'okta-aws refresh --', 'okta-aws console --', 'okta-aws assume ', 'oa console '];
    const out = execFileSync('fish', ['--no-config', '-c', [`source '${file}'`, ...queries.map((q) => `complete -C '${q}' | string join ' '`)].join('\n')], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH, HOME: dir },
    });
    expect(out.split('\n').slice(0, -1)).toEqual([
      'assume console refresh',
      'refresh',
      '--force --profile',
      '--no-open --open',
      'okta-111111111111-Admin okta-222222222222-Dev',
      'okta-111111111111-Admin okta-222222222222-Dev',
    ]);
  });

  it('adds no profile names line when no command takes one', () => {
    expect(completionScript('fish', input('fish', [{ id: 'refresh', flags: ['--force'], takesProfile: false }]))).toBe(
      "# okta-aws completion (fish)\ncomplete -c okta-aws -f -n __fish_use_subcommand -a 'refresh'\ncomplete -c okta-aws -f -n '__fish_seen_subcommand_from refresh' -l force\n" +
        "complete -c oa -f -n __fish_use_subcommand -a 'refresh'\ncomplete -c oa -f -n '__fish_seen_subcommand_from refresh' -l force\n",
    );
  });
});

describe('installHint', () => {
  it('says where the line goes for each shell', () => {
    expect(COMPLETION_SHELLS).toEqual(['bash', 'zsh', 'fish']);
    expect(installHint('bash', 'oa')).toBe('Add this line to ~/.bashrc, then open a new shell:\n  eval "$(oa autocomplete bash --script)"\n');
    expect(installHint('zsh', 'oa')).toBe('Add this line to ~/.zshrc (after compinit), then open a new shell:\n  eval "$(oa autocomplete zsh --script)"\n');
    expect(installHint('fish', 'oa')).toBe('Run once, then open a new shell:\n  oa autocomplete fish --script > ~/.config/fish/completions/oa.fish\n');
  });
});
