// Stryker runs the tests in worker threads, where process.umask(mask) throws. Tests that widen the
// umask to prove a mode is set explicitly run with the process's own umask there instead (they run
// with the real one under `npm test`).
import { isMainThread } from 'node:worker_threads';

if (!isMainThread) {
  const read = process.umask.bind(process);
  process.umask = (() => read()) as typeof process.umask;
}
