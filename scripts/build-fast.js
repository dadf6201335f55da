// Builds dist/fast-bundle/offline.cjs, the one file bin/run.js loads for the offline answers
// (src/fast/offline.ts and the services it calls). CommonJS: Node loads it without the ES-module
// loader. Only what an answer from a fresh cache can run is inside: every dynamic import below
// the entry (the sign-in and refresh code, the SDK, stores) becomes a module that throws, so on
// that path answerOffline returns false and bin/run.js runs the full command instead. Start-up
// time is mostly spent compiling this file, so what it leaves out is what makes it fast.
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

const entry = fileURLToPath(new URL('../src/fast/offline.ts', import.meta.url));

/** @type {import('esbuild').Plugin} */
const onlyOffline = {
  name: 'only-offline',
  setup(b) {
    b.onResolve({ filter: /.*/ }, (args) =>
      args.kind === 'dynamic-import' && args.importer !== entry ? { path: args.path, namespace: 'not-offline' } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'not-offline' }, (args) => ({
      contents: `throw new Error(${JSON.stringify(`${args.path} is not part of the offline answers`)});`,
      loader: 'js',
    }));
  },
};

await build({
  entryPoints: [entry],
  outfile: fileURLToPath(new URL('../dist/fast-bundle/offline.cjs', import.meta.url)),
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  plugins: [onlyOffline],
  logLevel: 'warning',
});
