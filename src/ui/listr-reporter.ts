import { setTimeout as sleep } from 'node:timers/promises';
import { type Reporter, printableReporter } from '../services/reporter.js';
import { plainReporter } from './plain-reporter.js';
import { stderrStyle } from './terminal.js';

type Listr2 = typeof import('listr2');

let loaded: Promise<Listr2> | undefined;

/**
 * listr2 picks colours once, when colorette is first evaluated, from stdout. Progress goes to
 * stderr, so the choice made from stderr is put in the environment for that one import.
 */
function loadListr(colour: boolean): Promise<Listr2> {
  loaded ??= (async () => {
    const saved = { NO_COLOR: process.env.NO_COLOR, FORCE_COLOR: process.env.FORCE_COLOR };
    if (colour) {
      delete process.env.NO_COLOR;
      process.env.FORCE_COLOR = '1';
    } else {
      process.env.NO_COLOR = '1';
      delete process.env.FORCE_COLOR;
    }
    try {
      return await import('listr2');
    } finally {
      for (const [key, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
    }
  })();
  return loaded;
}

/** Renderers drawing right now: on exit (Ctrl-C included) each is stopped, which shows the cursor again. */
const drawing = new Set<{ stop(): void }>();
let exitHooked = false;

function stopAllOnExit(): void {
  if (exitHooked) return;
  exitHooked = true;
  // process.exit (bin/run.js's signal handlers) runs 'exit' listeners synchronously, and the
  // renderer's end() is synchronous: the last frame, the buffered stderr lines, then ESC[?25h.
  process.on('exit', () => {
    for (const renderer of [...drawing]) renderer.stop();
  });
}

/**
 * A listr2 task list on stderr when it is a terminal that can redraw, else one plain line per
 * finished step. Each workflow step is its own small list, so the workflow keeps control of order
 * and concurrency.
 */
export async function listrReporter(): Promise<Reporter> {
  return printableReporter(await rawListrReporter());
}

async function rawListrReporter(): Promise<Reporter> {
  const style = stderrStyle();
  if (!style.animated) return plainReporter(process.stderr, style.colour);
  const { DefaultRenderer, Listr, ListrLogger, ListrTaskState, ProcessOutput } = await loadListr(style.colour);
  type Tasks = ConstructorParameters<typeof DefaultRenderer>[0];

  /** The default renderer, chosen by stderr (listr2's own check looks at stdout) and stoppable on exit. */
  class StderrRenderer extends DefaultRenderer {
    static override nonTTY = true;
    private readonly entry: { stop(): void };

    constructor(...args: ConstructorParameters<typeof DefaultRenderer>) {
      super(...args);
      const tasks: Tasks = args[0];
      this.entry = {
        stop: () => {
          markInterrupted(tasks);
          this.end();
        },
      };
    }

    override async render(): Promise<void> {
      drawing.add(this.entry);
      stopAllOnExit();
      await super.render();
    }

    override end(): void {
      if (!drawing.delete(this.entry)) return;
      super.end();
    }
  }

  function markInterrupted(tasks: Tasks): void {
    for (const task of tasks) {
      if (task.isPending() || task.isStarted()) task.state$ = ListrTaskState.FAILED;
      if (task.subtasks) markInterrupted(task.subtasks as Tasks);
    }
  }

  const logger = new ListrLogger({ processOutput: new ProcessOutput(process.stderr, process.stderr) });
  const options = {
    renderer: StderrRenderer,
    // A failed step shows ✖ and its title: the CLI's last line says why, and only once.
    rendererOptions: { logger, showErrorMessage: false },
    registerSignalListeners: false,
    exitOnError: true,
    // The one-line error is printed by the CLI; listr only marks the step failed.
    collectErrors: false as const,
  };

  /** The step running now, so a wait inside it can show its countdown there, and attention lines their text. */
  let current: { title: string; retitle: (title: string) => void; show: (line: string) => void } | undefined;

  return {
    async task(title, work) {
      let result: unknown;
      await new Listr(
        [
          {
            title,
            task: async (_ctx, task) => {
              const step = {
                title,
                retitle: (next: string) => {
                  task.title = next;
                },
                show: (line: string) => {
                  task.output = line;
                },
              };
              current = step;
              try {
                result = await work((next) => {
                  step.title = next;
                  step.retitle(next);
                });
              } finally {
                current = undefined;
              }
            },
          },
        ],
        options,
      ).run();
      return result as Awaited<ReturnType<typeof work>>;
    },

    async itemized(title, labels, work) {
      const settle = labels.map(() => {
        let resolve!: () => void;
        let reject!: (error: Error) => void;
        const promise = new Promise<void>((res, rej) => {
          resolve = res;
          reject = rej;
        });
        promise.catch(() => undefined);
        return { promise, resolve, reject };
      });
      const running = work((index, error) => {
        if (error === undefined) settle[index]?.resolve();
        else settle[index]?.reject(new Error(error));
      });
      running.then(
        () => settle.forEach((s) => s.resolve()),
        (error: Error) => settle.forEach((s) => s.reject(error)),
      );
      const list = new Listr(
        [
          {
            title,
            task: (_ctx, task) =>
              task.newListr(
                labels.map((label, index) => ({ title: label, task: () => settle[index]!.promise })),
                { concurrent: true, exitOnError: false },
              ),
          },
        ],
        { ...options, exitOnError: false },
      );
      await list.run().catch(() => undefined);
      return running;
    },

    note(line) {
      process.stderr.write(`${line}\n`);
    },

    async wait(ms, say) {
      const step = current;
      if (!step) {
        process.stderr.write(`  ${say(Math.ceil(ms / 1000))}\n`);
        await sleep(ms);
        return;
      }
      const until = Date.now() + ms;
      for (let left = ms; left > 0; left = until - Date.now()) {
        step.retitle(`${step.title}: ${say(Math.ceil(left / 1000))}`);
        await sleep(left % 1000 || 1000);
      }
      step.retitle(step.title);
    },

    attention(line) {
      // The plain renderer would print every output change with its own prefix: one clean line instead.
      if (style.animated && current) current.show(line);
      else process.stderr.write(`${line}\n`);
    },
  };
}
