import { defineConfig } from 'vitest/config';

// The default tier: unit tests and end-to-end tests against the emulators. The keyring and
// interop tiers have configs of their own because they need services that .ci/run starts.
export default defineConfig({
  test: {
    // Test code that loads the AWS SDK itself would print its Node 22 notice once per worker. The CLI
    // switches it off on its own (src/aws/sdk.ts); its subprocesses get a clean environment (test/helpers/cli.ts).
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    reporters: ['default', './test/helpers/skip-reporter.ts'],
    include: ['test/unit/**/*.test.ts', 'test/e2e/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
  },
});
