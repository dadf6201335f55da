import { defineConfig } from 'vitest/config';

// The default tier: unit tests and end-to-end tests against the emulators. The keyring and
// interop tiers have configs of their own because they need services that .ci/run starts.
export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts', 'test/e2e/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
  },
});
