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
  // Ctrl-C: exit 130 through process.exit, so the exit handlers drop our locks and temp files.
  // Every write is a rename of a complete file, so nothing is ever half-written.
  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143], ['SIGHUP', 129]]) {
    process.once(signal, () => {
      process.stderr.write(`\nokta-aws: interrupted; files are as they were before this step.\n`);
      process.exit(code);
    });
  }
  const { execute } = await import('@oclif/core');
  await execute({ dir: import.meta.url });
}
