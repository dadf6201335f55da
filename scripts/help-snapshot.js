// Writes dist/help.json: every help page oclif prints without a terminal (80 columns, no colours),
// rendered by oclif itself in a clean home (no user plugins, no theme). bin/fast-help.js prints
// these pages when nothing could make oclif print anything else; test/e2e/fast-paths.test.ts
// compares each with oclif's live output.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const pjson = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
/** Command ids of this package and of its core plugins, from their manifests. */
const manifests = [join(root, 'oclif.manifest.json'), ...pjson.oclif.plugins.map((name) => join(root, 'node_modules', name, 'oclif.manifest.json'))];
const ids = manifests.flatMap((file) => Object.entries(JSON.parse(readFileSync(file, 'utf8')).commands).filter(([, c]) => !c.hidden).map(([id]) => id));

const home = mkdtempSync(join(tmpdir(), 'okta-aws-help-'));
const env = { PATH: process.env.PATH, HOME: home, LANG: process.env.LANG ?? 'C.UTF-8' };
const run = `require('@oclif/core').execute({ dir: ${JSON.stringify(join(root, 'package.json'))}, args: JSON.parse(process.argv[1]) })`;
const pages = {};
try {
  for (const words of [[], ...ids.map((id) => id.split(':'))]) {
    const args = [...words, '--help'];
    const out = spawnSync(process.execPath, ['-e', run, JSON.stringify(args)], { cwd: root, env, encoding: 'utf8' });
    if (out.status !== 0 || out.stderr !== '') throw new Error(`okta-aws ${args.join(' ')}: exit ${out.status}: ${out.stderr}`);
    pages[words.join(' ')] = out.stdout;
  }
} finally {
  rmSync(home, { recursive: true, force: true });
}
writeFileSync(join(root, 'dist', 'help.json'), JSON.stringify(pages) + '\n');
console.log(`dist/help.json: ${Object.keys(pages).length} help pages`);
