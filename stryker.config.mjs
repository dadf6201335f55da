// Mutation testing of the unit-tested core (`npm run test:mutation`): Stryker plants small bugs in
// these folders and the unit tests must fail for each. See README "Mutation testing".

/**
 * Mutants that cannot be told apart from the original by any test, because the program behaves the
 * same: each names its file, the exact source text of the smallest node holding the mutants, and why.
 * Stryker reports them as "Ignored" (scripts/stryker-equivalents.mjs applies this list).
 */
export const EQUIVALENT = [
  // aws
  { file: 'src/aws/role-chain.ts', code: '{ mode: 0o600 }', reason: "writeFileAtomic's default mode for a new file is 0600 already" },
  { file: 'src/aws/credential-cache.ts', code: '{ mode: 0o600 }', reason: "writeFileAtomic's default mode for a new file is 0600 already" },
  { file: 'src/aws/sts.ts', code: 'new Array<R>(items.length)', reason: 'every index is assigned before the array is returned, so its initial length makes no difference' },
  { file: 'src/aws/credentials-file.ts', code: "process.platform === 'win32'", reason: 'the unit tests run on Linux, where the Windows branch is never taken' },
  { file: 'src/aws/account-names.ts', code: 'if (!destination) return undefined;', reason: "new URL(undefined) and new URL('') throw, and the catch below returns undefined as well" },
  // console
  { file: 'src/console/open-browser.ts', code: 'windowsHide: true', reason: 'only Windows has console windows to hide; the unit tests run on Linux' },
  // shell
  { file: 'src/shell/completion.ts', code: "'    return'", reason: 'at the first word nothing after the if adds to COMPREPLY: no command name starts with - and profiles need word 2' },
  { file: 'src/shell/completion.ts', code: '/^--/', reason: 'every flag starts with --, so the first -- in it is the leading one' },
  // lib
  { file: 'src/lib/settings.ts', code: '{ mode: 0o600 }', reason: "writeFileAtomic's default mode for a new file is 0600 already" },
  { file: 'src/lib/state.ts', code: '{ mode: 0o600 }', reason: "writeFileAtomic's default mode for a new file is 0600 already" },
  { file: 'src/lib/identity.ts', code: '{\n    return undefined;\n  }', reason: 'an emptied catch block returns undefined just the same' },
  { file: 'src/lib/atomic-file.ts', code: '{\n    pending.delete(temp);\n  }', reason: 'a finished temp file left in the set only makes the exit hook unlink a path that no longer exists' },
  // stores
  { file: 'src/stores/user-file-store.ts', code: "'utf8'", reason: 'read as a Buffer instead, JSON.parse takes it as the same UTF-8 text' },
];

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutation.config.ts' },
  plugins: ['@stryker-mutator/vitest-runner', './scripts/stryker-equivalents.mjs'],
  ignorers: ['equivalent'],
  mutate: ['src/{aws,saml,lib,okta,shell,console,stores}/**/*.ts', '!src/**/*.d.ts'],
  // The vitest runner always measures coverage per test: a mutant runs only the tests that reach it.
  coverageAnalysis: 'perTest',
  // Reruns test only mutants in changed code or reached by changed tests. The results are committed
  // (Stryker's documented way to share them), so a fresh clone starts from the last full run: every
  // `npm run test:mutation` brings the file up to date, and it goes in the commit with the change.
  incremental: true,
  incrementalFile: 'test/mutation/stryker-incremental.json',
  // Scores per folder and the survivors are printed by scripts/mutation-summary.ts from the JSON report.
  reporters: ['progress-append-only', 'json', 'html'],
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  concurrency: 2,
  // A mutant in a module-level constant (a static mutant) can only be tested by rerunning every unit
  // test with fresh modules; the ~130 of them would double the run. Stryker reports them as ignored.
  ignoreStatic: true,
  // The goal (85%) is checked by scripts/mutation-summary.ts, on the score that counts uncovered mutants.
  thresholds: { high: 90, low: 85, break: null },
};
