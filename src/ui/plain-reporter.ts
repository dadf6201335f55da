import { setTimeout as sleep } from 'node:timers/promises';
import type { Reporter } from '../services/reporter.js';

/**
 * Progress where stderr cannot redraw (CI logs, a file, the message an SDK shows when
 * credential_process fails): one line per step, written once it succeeded. A failed step writes
 * nothing and items get no lines of their own, so the CLI's last line, `okta-aws: …`, says what
 * went wrong, once.
 */
export function plainReporter(out: { write(text: string): unknown } = process.stderr, colour = false): Reporter {
  const done = (title: string) => out.write(`${colour ? '\x1b[32m✔\x1b[39m' : '✔'} ${title}\n`);
  return {
    async task(title, work) {
      let current = title;
      const result = await work((next) => {
        current = next;
      });
      done(current);
      return result;
    },

    async itemized(title, _labels, work) {
      let failed = false;
      const result = await work((_index, error) => {
        if (error !== undefined) failed = true;
      });
      if (!failed) done(title);
      return result;
    },

    note(line) {
      out.write(`${line}\n`);
    },

    // Must be seen while the step runs (a push to approve): written at once.
    attention(line) {
      out.write(`${line}\n`);
    },

    // Said once, under the step it holds up: a log is no place for a countdown.
    async wait(ms, say) {
      out.write(`  ${say(Math.ceil(ms / 1000))}\n`);
      await sleep(ms);
    },
  };
}
