import { defineConfig } from 'vitest/config';

// Real AWS clients (AWS CLI v2, botocore) and Moto's STS server read and use what okta-aws writes.
export default defineConfig({
  test: {
    include: ['test/interop/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
