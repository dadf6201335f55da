import { defineConfig } from 'vitest/config';

// The OS keyring against a real Secret Service. Run it inside scripts/with-secret-service.sh,
// which provides a private, unlocked gnome-keyring. Without one these tests fail (not skip);
// OKTA_AWS_REQUIRE_KEYRING=0 lets them pass by showing the keyring store's "not available" error.
export default defineConfig({
  test: {
    reporters: ['default', './test/helpers/skip-reporter.ts'],
    include: ['test/keyring/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    fileParallelism: false,
    // Test code that loads the AWS SDK itself would print its Node 22 notice once per worker. The CLI
    // switches it off on its own (src/aws/sdk.ts); its subprocesses get a clean environment (test/helpers/cli.ts).
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', OKTA_AWS_REQUIRE_KEYRING: process.env.OKTA_AWS_REQUIRE_KEYRING ?? '1' },
  },
});
