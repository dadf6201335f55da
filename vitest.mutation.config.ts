import { defineConfig } from 'vitest/config';

// The mutation run (`npm run test:mutation`): the unit tests of the core only, not the emulators'
// own tests and not e2e (those drive the built CLI, which Stryker's mutants never reach).
export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts'],
    exclude: ['test/unit/emulators/**'],
    setupFiles: ['test/helpers/mutation-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
