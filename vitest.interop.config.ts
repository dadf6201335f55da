import { defineConfig } from 'vitest/config';

// Real AWS clients (AWS CLI v2, botocore) and Moto's STS server read and use what okta-aws writes.
export default defineConfig({
  test: {
    // Test code that loads the AWS SDK itself would print its Node 22 notice once per worker. The CLI
    // switches it off on its own (src/aws/sdk.ts); its subprocesses get a clean environment (test/helpers/cli.ts).
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    reporters: ['default', './test/helpers/skip-reporter.ts'],
    include: ['test/interop/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
