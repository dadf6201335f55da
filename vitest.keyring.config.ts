import { defineConfig } from 'vitest/config';

// The OS keyring against a real Secret Service. Run it inside scripts/with-secret-service.sh,
// which provides a private, unlocked gnome-keyring. Without one these tests fail (not skip);
// OKTA_AWS_REQUIRE_KEYRING=0 lets them pass by showing the keyring store's "not available" error.
export default defineConfig({
  test: {
    include: ['test/keyring/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    fileParallelism: false,
    env: { OKTA_AWS_REQUIRE_KEYRING: process.env.OKTA_AWS_REQUIRE_KEYRING ?? '1' },
  },
});
