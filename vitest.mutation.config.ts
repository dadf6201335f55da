import { defineConfig } from 'vitest/config';

// The mutation run (`npm run test:mutation`): the unit tests of the core only, not the emulators'
// own tests and not e2e (those drive the built CLI, which Stryker's mutants never reach).
export default defineConfig({
  test: {
    // Test code that loads the AWS SDK itself would print its Node 22 notice once per worker. The CLI
    // switches it off on its own (src/aws/sdk.ts); its subprocesses get a clean environment (test/helpers/cli.ts).
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    include: ['test/unit/**/*.test.ts'],
    exclude: ['test/unit/emulators/**'],
    setupFiles: ['test/helpers/mutation-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
