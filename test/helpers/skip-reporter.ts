import type { Reporter, TestModule } from 'vitest/node';

/**
 * Lists, after the summary, each test skipped on this machine by its full name, which says why
 * (`needing()` in test/helpers/requires.ts): vitest's own summary shows only a count. Tests left out
 * by a `-t` filter carry no reason and are not listed.
 */
export default class SkipReasons implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    const skipped: string[] = [];
    for (const module of modules) {
      for (const test of module.children.allTests('skipped')) if (test.name.includes('[skipped: ')) skipped.push(test.fullName);
    }
    if (skipped.length === 0) return;
    process.stdout.write(`\nSkipped on this machine (${skipped.length}):\n${skipped.map((name) => `  ↓ ${name}\n`).join('')}`);
  }
}
