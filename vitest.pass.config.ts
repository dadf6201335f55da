import { defineConfig } from 'vitest/config';

// The pass store plugin against Debian's real `pass` and gpg (.ci/run installs them); each test
// file makes its own throwaway GPG key. Without pass these tests fail, never skip.
export default defineConfig({
  test: {
    include: ['plugins/*/test/**/*.test.ts', 'test/pass/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
