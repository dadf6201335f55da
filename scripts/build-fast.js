// Builds the bundles bin/run.js loads instead of oclif. dist/fast-bundle/offline.cjs: the offline answers
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

// dist/fast-bundle/init.cjs and refresh.cjs: `init` and `refresh` (src/fast/init.ts, refresh.ts),
// each one CommonJS file like the one above (the ES-module loader alone costs more than init's
// first question, and oclif with dist/'s modules a fifth of a second of every refresh). Everything
// the command runs is inside, as one copy of every module (secrets registered for redaction, the
// interrupt registry); what only some runs need (init's login after its first question, listr2, a
// store) is only evaluated when the code imports it. The prompts (@inquirer/input, password,
// select) are bundled too: one file instead of some twenty modules. Every other package is loaded
// from node_modules as dist/ loads it: import() stays import().
const bundledPackage = /^@inquirer\/(input|password|select)$/;
/** @type {import('esbuild').Plugin} */
const packagesOutside = {
  name: 'packages-outside',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) => {
      if (bundledPackage.test(args.path) || args.importer.includes('/node_modules/')) return undefined;
      return { path: args.path, external: true };
    });
  },
};

await build({
  entryPoints: ['init', 'refresh'].map((name) => fileURLToPath(new URL(`../src/fast/${name}.ts`, import.meta.url))),
  outdir: fileURLToPath(new URL('../dist/fast-bundle', import.meta.url)),
  outExtension: { '.js': '.cjs' },
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  supported: { 'dynamic-import': true },
  plugins: [packagesOutside],
  // Modules that find packages from their own location (createRequire) do so from this file's.
  define: { 'import.meta.url': '__importMetaUrl' },
  banner: { js: "const __importMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
  logLevel: 'warning',
});
