import { spawn } from 'node:child_process';
import { CLI } from './cli.js';

/**
 * The built CLI on a pseudo-terminal, through util-linux `script(1)`: stdin, stdout and stderr are
 * the terminal unless redirected to a file inside it. Keys typed (e.g. Ctrl-C) reach the terminal's
 * line discipline, so Ctrl-C is a real SIGINT to the foreground process, as in a shell.
 */
export interface PtyRun {
  /** Everything the terminal showed so far (CRLF folded to LF). */
  output(): string;
  /** Resolves once the output matches; rejects when the process ends first. */
  waitFor(pattern: RegExp | string): Promise<string>;
  /** Types on the terminal (`\x03` is Ctrl-C). */
  type(keys: string): void;
  done: Promise<{ code: number | null; output: string }>;
}

export interface PtyOptions {
  env: NodeJS.ProcessEnv;
  columns?: number;
  /** Redirect stdout (or stderr) to this file, leaving the other on the terminal. */
  stdoutTo?: string;
  stderrTo?: string;
  timeoutMs?: number;
  /** What node runs before `args`: the built CLI unless given (e.g. `-e <script>` for oclif's own entry). */
  entry?: string[];
}

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

export function runPty(args: string[], options: PtyOptions): PtyRun {
  const redirects = `${options.stdoutTo ? ` >${quote(options.stdoutTo)}` : ''}${options.stderrTo ? ` 2>${quote(options.stderrTo)}` : ''}`;
  const command = `stty cols ${options.columns ?? 120} rows 40; exec ${[process.execPath, ...(options.entry ?? [CLI]), ...args].map(quote).join(' ')}${redirects}`;
  const env = { ...options.env, TERM: options.env.TERM ?? 'xterm-256color' };
  const child = spawn('script', ['-qfec', command, '/dev/null'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  let text = '';
  const waiters: { pattern: RegExp | string; resolve: (s: string) => void; reject: (e: Error) => void }[] = [];
  const matches = (pattern: RegExp | string) => (typeof pattern === 'string' ? text.includes(pattern) : pattern.test(text));
  const check = () => {
    for (const w of [...waiters]) {
      if (matches(w.pattern)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(text);
      }
    }
  };
  child.stdout.setEncoding('utf8').on('data', (d: string) => {
    text += d.replace(/\r\n/g, '\n');
    check();
  });
  child.stderr.setEncoding('utf8').on('data', (d: string) => {
    text += d;
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 25_000);
  const done = new Promise<{ code: number | null; output: string }>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      for (const w of waiters.splice(0)) w.reject(new Error(`exited (${code}) before ${String(w.pattern)} appeared; output:\n${text}`));
      resolve({ code, output: text });
    });
  });
  return {
    output: () => text,
    waitFor: (pattern) =>
      matches(pattern) ? Promise.resolve(text) : new Promise((resolve, reject) => waiters.push({ pattern, resolve, reject })),
    type: (keys) => {
      child.stdin.write(keys);
    },
    done,
  };
}

/** Text without ANSI escapes, as a person would read it. */
export function plain(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '').replace(/\x1b\][^\x07]*\x07/g, '');
}
