import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// `npm run demo` is the journey a new user reads: it must work, and its transcript must say which
// stream each line came from without a label glued to a line of output (issue 12 item 12).
const root = fileURLToPath(new URL('../..', import.meta.url));

function demo(): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/demo.ts'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (out += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 150_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
  });
}

describe('npm run demo', () => {
  it('runs the whole journey, and every output line names its stream in a gutter', async () => {
    const { code, out } = await demo();
    expect(code, out).toBe(0);
    expect(out).toContain('✔ The whole journey worked.');
    expect(out).not.toMatch(/\(stderr\)/);
    const lines = out.split('\n');
    // Between a command and its verdict, every line is output from a named stream.
    let inBlock = false;
    let blocks = 0;
    for (const line of lines) {
      if (line.startsWith('$ okta-aws ')) {
        inBlock = true;
        blocks++;
        continue;
      }
      if (/^ {2}[✔✖] /.test(line)) inBlock = false;
      else if (inBlock) expect(line).toMatch(/^ {2}(stderr|stdout) │( |$)/);
    }
    expect(blocks).toBeGreaterThan(10);
    // init's roles (stdout) follow its messages (stderr), each in its own gutter.
    expect(out).toMatch(/ {2}stderr │ Okta grants you 3 roles[^\n]*\n {2}stdout │ okta-111111111111-Admin/);
  }, 160_000);
});

describe('npm test', () => {
  it('lists each test skipped here with its reason, and shows no AWS SDK Node-version notice', async () => {
    const { code, out } = await new Promise<{ code: number | null; out: string }>((resolve, reject) => {
      const child = spawn(process.execPath, ['node_modules/vitest/vitest.mjs', 'run', '--config', 'test/fixtures/story/vitest.story.config.ts'], {
        cwd: root,
        env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: undefined, NO_COLOR: '1', CI: 'true' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let text = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => (text += d));
      child.stderr.setEncoding('utf8').on('data', (d: string) => (text += d));
      child.on('error', reject);
      child.on('close', (exit) => resolve({ code: exit, out: text }));
    });
    expect(code, out).toBe(0);
    expect(out).toContain('Skipped on this machine (1):\n  ↓ runs in a shell nobody has [skipped: okta-aws-no-such-shell is not installed; install okta-aws-no-such-shell to run it]\n');
    expect(out).toMatch(/1 passed/);
    expect(out).not.toContain('NodeVersionSupportWarning');
  }, 60_000);
});
