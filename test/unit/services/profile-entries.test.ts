import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { checkProcessEntry, quoteForCredentialProcess } from '../../../src/services/profile-entries.js';

/** How botocore splits a credential_process line: shlex on POSIX, its CommandLineToArgvW rules on Windows. */
function botocoreSplit(line: string): { windows: string[]; posix: string[] } {
  const script = 'import sys,json,shlex\nfrom botocore.compat import _windows_shell_split\nl=sys.stdin.read()\nprint(json.dumps({"windows":_windows_shell_split(l),"posix":shlex.split(l)}))';
  return JSON.parse(execFileSync('python3', ['-c', script], { input: line, encoding: 'utf8' })) as { windows: string[]; posix: string[] };
}

describe('credential_process quoting (tested on every platform)', () => {
  it('Windows: botocore gives back each path whole, spaces, parentheses and backslashes included', () => {
    const node = 'C:\\Program Files (x86)\\nodejs\\node.exe';
    const script = "C:\\Users\\Jane O'Neil\\AppData\\Roaming\\npm\\node_modules\\okta-aws-credential-helper\\bin\\run.js";
    const line = `${quoteForCredentialProcess(node, 'win32')} ${quoteForCredentialProcess(script, 'win32')} credential-process okta-a`;
    expect(botocoreSplit(line).windows).toEqual([node, script, 'credential-process', 'okta-a']);
    // A trailing backslash would escape the closing quote: it is doubled.
    expect(botocoreSplit(`${quoteForCredentialProcess('C:\\odd dir\\', 'win32')} x`).windows).toEqual(['C:\\odd dir\\', 'x']);
  });

  it('Windows: refuses what cmd.exe would expand or a quote would end', () => {
    expect(() => quoteForCredentialProcess('C:\\%USERNAME%\\node.exe', 'win32')).toThrow(/contains a double quote or %/);
    expect(() => quoteForCredentialProcess('C:\\a"b\\node.exe', 'win32')).toThrow(/contains a double quote or %/);
    // Backslashes are Windows' separator, not something to refuse.
    expect(quoteForCredentialProcess('C:\\nodejs\\node.exe', 'win32')).toBe('"C:\\nodejs\\node.exe"');
  });

  it('POSIX: botocore (shlex) gives back each path; what a shell would expand is refused', () => {
    const node = '/opt/my tools (v2)/bin/node';
    const line = `${quoteForCredentialProcess(node, 'linux')} ${quoteForCredentialProcess("/home/o'neil/run.js", 'linux')} credential-process okta-a`;
    expect(botocoreSplit(line).posix).toEqual([node, "/home/o'neil/run.js", 'credential-process', 'okta-a']);
    for (const bad of ['/a"b/node', '/a$HOME/node', '/a`id`/node', '/a\\b/node']) expect(() => quoteForCredentialProcess(bad, 'linux'), bad).toThrow(/quote, \$, backtick or backslash/);
  });

  it('refuses " #" and " ;" on every platform: SDK ini parsers cut the line there', () => {
    for (const platform of ['linux', 'darwin', 'win32'] as const) {
      for (const path of ['/opt/okta aws #2/run.js', 'C:\\tools ;old\\run.js']) {
        expect(() => quoteForCredentialProcess(path, platform), `${platform} ${path}`).toThrow(/" #" or " ;" starts a comment/);
      }
      expect(() => checkProcessEntry({ node: '/usr/bin/node', script: '/x #y/bin/run.js' }, platform)).toThrow(/starts a comment/);
    }
    expect(quoteForCredentialProcess('/opt/c#/run.js', 'linux')).toBe('"/opt/c#/run.js"'); // no space before it: not a comment
  });

  it('refuses control characters', () => {
    expect(() => quoteForCredentialProcess('/opt/a\nb/run.js', 'linux')).toThrow(/control character/);
  });
});
