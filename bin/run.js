#!/usr/bin/env node
// Entry point of both bins (okta-aws, okta-aws-cred-helper).
const args = process.argv.slice(2);

// Fast path: SDKs run `credential-process <profile>` before every AWS call; a fresh cache answers
// without loading oclif, the AWS SDK or anything else.
const served =
  args.length === 2 &&
  args[0] === 'credential-process' &&
  !args[1].startsWith('-') &&
  (await import('../dist/fast/credential-process.js')).serveFromCache(args[1]);

if (!served) {
  const { execute } = await import('@oclif/core');
  await execute({ dir: import.meta.url });
}
