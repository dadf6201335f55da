import { defineConfig } from 'vitest/config';

// The pass store plugin against Debian's real `pass` and gpg (.ci/run installs them); each test
// file makes its own throwaway GPG key. Without pass these tests fail, never skip.
export default defineConfig({
  test: {
    // Test code that loads the AWS SDK itself would print its Node 22 notice once per worker. The CLI
    // switches it off on its own (src/aws/sdk.ts); its subprocesses get a clean environment (test/helpers/cli.ts).
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    reporters: ['default', './test/helpers/skip-reporter.ts'],
    include: ['plugins/*/test/**/*.test.ts', 'test/pass/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
