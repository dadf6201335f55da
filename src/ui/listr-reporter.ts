import type { Reporter } from '../services/reporter.js';

/**
 * A listr2 task list on stderr: animated on a terminal, plain lines otherwise. Each workflow step is
 * its own small list, so the workflow keeps control of order and concurrency.
 */
export async function listrReporter(): Promise<Reporter> {
  const { Listr, ListrLogger, ProcessOutput } = await import('listr2');
  const logger = new ListrLogger({ processOutput: new ProcessOutput(process.stderr, process.stderr) });
  const options = {
    renderer: 'default' as const,
    fallbackRenderer: 'simple' as const,
    fallbackRendererCondition: !process.stderr.isTTY,
    rendererOptions: { logger },
    fallbackRendererOptions: { logger },
    registerSignalListeners: false,
    exitOnError: true,
    // The one-line error is printed by the CLI; listr only marks the step failed.
    collectErrors: false as const,
  };

  return {
    async task(title, work) {
      let result: unknown;
      await new Listr(
        [
          {
            title,
            task: async (_ctx, task) => {
              result = await work((next) => {
                task.title = next;
              });
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
  };
}
