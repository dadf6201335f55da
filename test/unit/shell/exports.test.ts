import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { needing, which } from '../../helpers/requires.js';
import type { ProfileCredentials } from '../../../src/aws/types.js';
import { credentialEnv, detectShell, isShell, quote, renderExports, renderUnsets, type Shell } from '../../../src/shell/exports.js';

/** Everything a shell might expand or end a string on, plus PowerShell's typographic quotes. */
const HOSTILE = `it's $HOME \`id\` $(id) \${PATH} "dq" \\back\\slash\\ \\' '' \nnew line\r\n\ttab !! * ? [a] ~ %s ‘curly’ ‚‛ end\\`;
const VALUES = [HOSTILE, '', "'", '\\', '\n', 'trailing newline\n', "'\\''", 'AQoDYXdzEJr//////////wEaDL+secret/token=='];


const dir = mkdtempSync(join(tmpdir(), 'exports-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs `script` in a real shell with an empty-ish environment and returns what it printed. */
function run(shell: Shell | 'sh' | 'dash', script: string): { stdout: string; stderr: string; status: number | null } {
  const file = join(dir, `script-${Math.random().toString(36).slice(2)}${shell === 'powershell' ? '.ps1' : ''}`);
  writeFileSync(file, script);
  const argv: Record<string, [string, string[]]> = {
    bash: ['bash', ['--norc', '--noprofile', file]],
    zsh: ['zsh', ['-f', file]],
    sh: ['sh', [file]],
    dash: ['dash', [file]],
    fish: ['fish', ['--no-config', file]],
    powershell: ['pwsh', ['-NoProfile', '-NonInteractive', '-File', file]],
  };
  const [cmd, args] = argv[shell] as [string, string[]];
  const result = spawnSync(cmd, args, { encoding: 'utf8', env: { PATH: process.env.PATH, HOME: dir } });
  return { stdout: result.stdout, stderr: result.stderr, status: result.status };
}

/** Prints the variable exactly (no newline added), then what a child process sees, after a NUL. */
const readBack: Record<Shell | 'sh' | 'dash', (name: string) => string> = {
  bash: (n) => `printf '%s' "$${n}"; printf '\\000'; sh -c 'printf "%s" "$${n}"'\n`,
  zsh: (n) => `printf '%s' "$${n}"; printf '\\000'; sh -c 'printf "%s" "$${n}"'\n`,
  sh: (n) => `printf '%s' "$${n}"; printf '\\000'; sh -c 'printf "%s" "$${n}"'\n`,
  dash: (n) => `printf '%s' "$${n}"; printf '\\000'; sh -c 'printf "%s" "$${n}"'\n`,
  fish: (n) => `printf '%s' $${n}; printf '\\000'; sh -c 'printf "%s" "$${n}"'\n`,
  powershell: (n) => `[Console]::Out.Write($env:${n}); [Console]::Out.Write([char]0); sh -c 'printf "%s" "$${n}"'\n`,
};

const OTHER_SHELLS = ['zsh', 'fish', 'dash'] as const;
const installed = OTHER_SHELLS.filter((s) => which(s));
const pwsh = which('pwsh');

describe('renderExports survives a real shell', () => {
  it('bash: eval "$(…)" reads every hostile value back byte for byte, in the shell and in a child', () => {
    expect(which('bash')).toBeTruthy();
    for (const value of VALUES) {
      const exports = renderExports({ OKTA_TEST: value, SECOND: 'two' }, 'bash');
      writeFileSync(join(dir, 'out.txt'), exports);
      const result = run('bash', `eval "$(cat '${join(dir, 'out.txt')}')"\n${readBack.bash('OKTA_TEST')}`);
      expect(result.stderr).toBe('');
      expect(result.stdout).toBe(`${value}\0${value}`);
    }
  });

  it('bash: also when sourced directly, and the second variable is intact', () => {
    const script = renderExports({ A: HOSTILE, B: "b'b" }, 'bash') + readBack.bash('A') + `printf '\\000%s' "$B"\n`;
    const result = run('bash', script);
    expect(result.stdout).toBe(`${HOSTILE}\0${HOSTILE}\0b'b`);
  });

  it('bash: unquoted eval $(…) still works for values without whitespace', () => {
    const value = `a'b"c$d\`e\\f`;
    writeFileSync(join(dir, 'flat.txt'), renderExports({ A: value, B: 'x' }, 'bash'));
    const result = run('bash', `eval $(cat '${join(dir, 'flat.txt')}')\nprintf '%s|%s' "$A" "$B"\n`);
    expect(result.stdout).toBe(`${value}|x`);
  });

  describe.each(OTHER_SHELLS)('in %s', (shell) => {
    it.runIf(installed.includes(shell))(needing(shell, `${shell}: eval reads the hostile values back`), () => {
      const syntax: Shell = shell === 'dash' ? 'bash' : shell;
      for (const value of VALUES) {
        writeFileSync(join(dir, 'out.txt'), renderExports({ OKTA_TEST: value }, syntax));
        const evalLine = shell === 'fish' ? `cat '${join(dir, 'out.txt')}' | source\n` : `eval "$(cat '${join(dir, 'out.txt')}')"\n`;
        const result = run(shell, evalLine + readBack[shell]('OKTA_TEST'));
        expect(result.stderr).toBe('');
        expect(result.stdout).toBe(`${value}\0${value}`);
      }
    });
  });

  it.runIf(installed.includes('zsh'))(needing('zsh', 'zsh: works with RC_QUOTES set too'), () => {
    const result = run('zsh', `setopt rcquotes\n${renderExports({ A: HOSTILE }, 'zsh')}${readBack.zsh('A')}`);
    expect(result.stdout).toBe(`${HOSTILE}\0${HOSTILE}`);
  });

  it.runIf(installed.includes('fish'))(needing('fish', 'fish: `eval (…)` works, since each statement is one line ending in ;'), () => {
    writeFileSync(join(dir, 'fish.txt'), renderExports({ A: HOSTILE, B: 'second' }, 'fish'));
    const result = run('fish', `eval (cat '${join(dir, 'fish.txt')}')\n${readBack.fish('A')}printf '\\000%s' $B\n`);
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe(`${HOSTILE}\0${HOSTILE}\0second`);
  });

  it.runIf(pwsh)(needing('pwsh', 'powershell: Invoke-Expression line by line reads the values back'), () => {
    for (const value of VALUES) {
      writeFileSync(join(dir, 'out.txt'), renderExports({ OKTA_TEST: value }, 'powershell'));
      const result = run('powershell', `Get-Content '${join(dir, 'out.txt')}' | Invoke-Expression\n${readBack.powershell('OKTA_TEST')}`);
      expect(result.stdout).toBe(`${value}\0${value}`);
    }
  });
});

describe('renderUnsets', () => {
  describe.each(['bash', ...OTHER_SHELLS] as const)('in %s', (shell) => {
    it.runIf(shell === 'bash' || installed.includes(shell))(needing(shell, `${shell}: removes set variables and ignores unset ones`), () => {
      const syntax: Shell = shell === 'dash' ? 'bash' : shell;
      const script =
        renderExports({ GONE: 'x' }, syntax) +
        renderUnsets(['GONE', 'NEVER_SET'], syntax) +
        (shell === 'fish' ? `if set -q GONE; printf set; else; printf unset; end\n` : `[ -z "\${GONE+set}" ] && printf unset || printf set\n`);
      const result = run(shell, script);
      expect(result.stdout).toBe('unset');
    });
  });

  it('renders each shell', () => {
    expect(renderUnsets(['AWS_PROFILE'], 'bash')).toBe('unset AWS_PROFILE;\n');
    expect(renderUnsets(['AWS_PROFILE', 'AWS_DEFAULT_PROFILE'], 'zsh')).toBe('unset AWS_PROFILE;\nunset AWS_DEFAULT_PROFILE;\n');
    expect(renderUnsets(['AWS_PROFILE'], 'fish')).toBe('set -e AWS_PROFILE;\n');
    expect(renderUnsets(['AWS_PROFILE'], 'powershell')).toBe('Remove-Item -Path Env:AWS_PROFILE -ErrorAction SilentlyContinue;\n');
  });
});

describe('quote', () => {
  it('uses each shell’s own single-quote rules', () => {
    expect(quote("a'b", 'bash')).toBe(`'a'\\''b'`);
    expect(quote("a'b\\c", 'fish')).toBe(`'a\\'b\\\\c'`);
    expect(quote('a\nb', 'fish')).toBe(`'a'\\n'b'`);
    expect(quote("a'b’c", 'powershell')).toBe(`'a''b’’c'`);
    expect(quote('a\r\nb', 'powershell')).toBe(`'a' + "\`r" + "\`n" + 'b'`);
    expect(quote('', 'powershell')).toBe(`''`);
  });

  it('refuses what no environment can hold, and bad names', () => {
    expect(() => quote('a\0b', 'bash')).toThrow(/NUL/);
    expect(() => renderExports({ 'BAD NAME': 'x' }, 'bash')).toThrow(/not a valid/);
    expect(() => renderUnsets(['$(id)'], 'bash')).toThrow(/not a valid/);
  });

  it('renders statements for every shell', () => {
    expect(renderExports({ A: 'x' }, 'bash')).toBe(`export A='x';\n`);
    expect(renderExports({ A: 'x' }, 'zsh')).toBe(`export A='x';\n`);
    expect(renderExports({ A: 'x' }, 'fish')).toBe(`set -gx A 'x';\n`);
    expect(renderExports({ A: 'x' }, 'powershell')).toBe(`$env:A = 'x';\n`);
  });
});

describe('isShell', () => {
  it('knows the four shells and nothing else', () => {
    expect(['bash', 'zsh', 'fish', 'powershell', 'sh', 'Bash', ''].map(isShell)).toEqual([true, true, true, true, false, false, false]);
  });
});

describe('detectShell', () => {
  it.each([
    [{ SHELL: '/bin/bash' }, 'linux', 'bash'],
    [{ SHELL: '/usr/bin/zsh' }, 'darwin', 'zsh'],
    [{ SHELL: '/opt/homebrew/bin/fish' }, 'darwin', 'fish'],
    [{ SHELL: '/bin/sh' }, 'linux', 'bash'],
    [{ SHELL: '/bin/dash' }, 'linux', 'bash'],
    [{ SHELL: '/bin/ksh' }, 'linux', 'bash'],
    [{ SHELL: '-zsh' }, 'darwin', 'zsh'],
    [{ SHELL: '/usr/bin/pwsh' }, 'linux', 'powershell'],
    [{ SHELL: '/bin/tcsh' }, 'linux', 'bash'],
    [{ SHELL: 'C:\\Program Files\\Git\\usr\\bin\\bash.exe', PSModulePath: 'C:\\x' }, 'win32', 'bash'],
    [{ PSModulePath: 'C:\\Windows\\system32\\WindowsPowerShell\\v1.0\\Modules' }, 'win32', 'powershell'],
    [{ PSModulePath: '/opt/microsoft/powershell/7/Modules' }, 'linux', 'powershell'],
    [{}, 'win32', 'powershell'],
    [{}, 'linux', 'bash'],
    [{ SHELL: '  /usr/bin/fish  ' }, 'linux', 'fish'],
    [{ SHELL: '   ', PSModulePath: '/opt/microsoft/powershell/7/Modules' }, 'linux', 'powershell'],
    [{ SHELL: 'C:\\tools\\fish.EXE' }, 'win32', 'fish'],
    [{ SHELL: 'C:\\Program Files\\PowerShell\\7\\powershell.exe' }, 'win32', 'powershell'],
    [{ SHELL: '/opt/z.exesh' }, 'linux', 'bash'],
    [{ SHELL: '/opt/z-sh' }, 'linux', 'bash'],
  ] as const)('%o on %s → %s', (env, platform, expected) => {
    expect(detectShell(env, platform)).toBe(expected);
  });
});

describe('credentialEnv', () => {
  it('maps credentials to the variables SDKs read, with an RFC 3339 expiration without milliseconds', () => {
    const creds: ProfileCredentials = {
      profile: 'okta-111111111111-Admin',
      roleArn: 'arn:aws:iam::111111111111:role/Admin',
      region: 'ap-southeast-2',
      partition: 'aws',
      chained: false,
      accessKeyId: 'ASIAEXAMPLE',
      secretAccessKey: 'secret',
      sessionToken: 'token',
      expiration: new Date('2026-01-01T00:00:00.123Z'),
    };
    expect(credentialEnv(creds)).toEqual({
      AWS_ACCESS_KEY_ID: 'ASIAEXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'secret',
      AWS_SESSION_TOKEN: 'token',
      AWS_CREDENTIAL_EXPIRATION: '2026-01-01T00:00:00Z',
      AWS_REGION: 'ap-southeast-2',
      AWS_DEFAULT_REGION: 'ap-southeast-2',
    });
  });
});
