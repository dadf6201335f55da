import { describe, expect, it } from 'vitest';
import { mapConcurrent } from '../../../src/aws/sts.js';

/** Runs mapConcurrent over `n` items whose work finishes only when the test says so. */
function gated(n: number, limit: number) {
  let inFlight = 0;
  let most = 0;
  const started: number[] = [];
  const release = new Map<number, () => void>();
  const done = mapConcurrent(
    Array.from({ length: n }, (_, i) => i),
    limit,
    async (i) => {
      started.push(i);
      inFlight += 1;
      most = Math.max(most, inFlight);
      await new Promise<void>((resolve) => release.set(i, resolve));
      inFlight -= 1;
      return `r${i}`;
    },
  );
  const settle = () => new Promise((resolve) => setImmediate(resolve));
  return { done, started, release, settle, most: () => most };
}

describe('mapConcurrent', () => {
  it('never has more than the limit in flight, and starts the next as soon as one finishes', async () => {
    const run = gated(20, 8);
    await run.settle();
    expect(run.started).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    run.release.get(3)!();
    await run.settle();
    expect(run.started).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    for (let i = 0; i < 20; i++) {
      run.release.get(i)!();
      await run.settle();
    }
    expect(await run.done).toEqual(Array.from({ length: 20 }, (_, i) => `r${i}`));
    expect(run.most()).toBe(8);
    expect(run.started).toHaveLength(20);
  });

  it('keeps the input order in the results whatever order the work finishes in', async () => {
    const run = gated(5, 8);
    await run.settle();
    expect(run.started).toEqual([0, 1, 2, 3, 4]);
    for (const i of [4, 2, 0, 3, 1]) {
      run.release.get(i)!();
      await run.settle();
    }
    expect(await run.done).toEqual(['r0', 'r1', 'r2', 'r3', 'r4']);
    expect(run.most()).toBe(5);
  });

  it('runs one at a time with a limit of 1, and returns [] for no items', async () => {
    const run = gated(3, 1);
    await run.settle();
    expect(run.started).toEqual([0]);
    for (let i = 0; i < 3; i++) {
      run.release.get(i)!();
      await run.settle();
    }
    expect(await run.done).toEqual(['r0', 'r1', 'r2']);
    expect(run.most()).toBe(1);
    expect(await mapConcurrent([], 8, async () => 1)).toEqual([]);
  });
});
