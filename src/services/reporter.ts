import { setTimeout as sleep } from 'node:timers/promises';
import { printable } from '../lib/printable.js';
import { type Wait, quietWait } from '../lib/wait.js';

/**
 * How workflows show progress without knowing about terminals: the CLI passes a listr2 reporter,
 * `--json`, credential-process and tests pass a quiet one.
 */
export interface Reporter {
  /** One step of work with a title that may change while it runs. */
  task<T>(title: string, work: (retitle: (title: string) => void) => Promise<T>): Promise<T>;
  /**
   * A step that shows one line per item; the work calls `finish(index, error?)` as each ends,
   * so items that run concurrently are shown finishing in their own order.
   */
  itemized<T>(title: string, labels: string[], work: (finish: (index: number, error?: string) => void) => Promise<T>): Promise<T>;
  /** A line of information (e.g. removed profiles), on stderr. */
  note(line: string): void;
  /** A pause with its reason: a countdown in the running step on a terminal, one line otherwise. */
  wait: Wait;
  /**
   * A line the user must act on (approve a push, tap a number). Shown even when progress is quiet:
   * inside the running task on a terminal, else as a plain line on stderr.
   */
  attention(line: string): void;
}

const stderrLine = (line: string) => {
  process.stderr.write(`${printable(line)}\n`);
};

/**
 * `inner` with every line it is handed made printable: titles, labels, item errors, notes and
 * attention lines can quote remote text (a push device's name, an STS message, a role value).
 */
export function printableReporter(inner: Reporter): Reporter {
  return {
    task: (title, work) => inner.task(printable(title), (retitle) => work((next) => retitle(printable(next)))),
    itemized: (title, labels, work) =>
      inner.itemized(printable(title), labels.map(printable), (finish) => work((index, error) => finish(index, error === undefined ? undefined : printable(error)))),
    note: (line) => inner.note(printable(line)),
    wait: (ms, say) => inner.wait(ms, (seconds) => printable(say(seconds))),
    attention: (line) => inner.attention(printable(line)),
  };
}

export const quietReporter: Reporter = {
  task: (_title, work) => work(() => undefined),
  itemized: (_title, _labels, work) => work(() => undefined),
  note: () => undefined,
  wait: quietWait,
  // credential-process and --json need no terminal, but a push still needs the user.
  attention: stderrLine,
};

/** Notes only, as single lines on stderr: for the prerun hook and credential-process. */
export const notesOnlyReporter: Reporter = {
  ...quietReporter,
  note: stderrLine,
  wait: async (ms, say) => {
    process.stderr.write(`okta-aws: ${say(Math.ceil(ms / 1000))}\n`);
    await sleep(ms);
  },
};
