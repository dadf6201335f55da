// Writes dist/help.json: every help page oclif prints, for bin/fast-help.js to print without
// loading oclif (test/e2e/fast-paths.test.ts compares them with oclif's live output).
// - `plain`: without a terminal (80 columns, no colours), as the CLI prints them, one run each.
// - `terminal`: on a terminal, at every width. oclif wraps to the terminal's width, so each page
//   is rendered by oclif's help class at each width from 40 (its minimum) until it no longer
//   changes, kept as [first width, text] runs, brotli-compressed (~1,200 pages become ~25 kB).
//   Colours are on (bold headers); without colour support the same text minus its escapes is
//   what oclif prints, which is checked here against `plain` at 80 columns.
// Both are rendered in a clean home (no user plugins, no theme) with this machine's user agent,
// which only the VERSION line shows; bin/fast-help.js swaps in the running one when that is exact.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync } from 'node:zlib';

const root = fileURLToPath(new URL('..', import.meta.url));
const pjson = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
/** Command ids of this package and of its core plugins, from their manifests. */
const manifests = [join(root, 'oclif.manifest.json'), ...pjson.oclif.plugins.map((name) => join(root, 'node_modules', name, 'oclif.manifest.json'))];
const ids = manifests.flatMap((file) => Object.entries(JSON.parse(readFileSync(file, 'utf8')).commands).filter(([, c]) => !c.hidden).map(([id]) => id));
const pageArgs = [[], ...ids.map((id) => id.split(':'))];

const home = mkdtempSync(join(tmpdir(), 'okta-aws-help-'));
const env = { PATH: process.env.PATH, HOME: home, LANG: process.env.LANG ?? 'C.UTF-8' };
try {
  const plain = {};
  const run = `require('@oclif/core').execute({ dir: ${JSON.stringify(join(root, 'package.json'))}, args: JSON.parse(process.argv[1]) })`;
  for (const words of pageArgs) {
    const args = [...words, '--help'];
    const out = spawnSync(process.execPath, ['-e', run, JSON.stringify(args)], { cwd: root, env, encoding: 'utf8' });
    if (out.status !== 0 || out.stderr !== '') throw new Error(`okta-aws ${args.join(' ')}: exit ${out.status}: ${out.stderr}`);
    plain[words.join(' ')] = out.stdout;
  }

  // In this process from here: the same clean home, and colours on (ansis decides when it loads).
  for (const key of Object.keys(process.env)) if (key.startsWith('XDG_') || key.startsWith('OCLIF_') || key.startsWith('OKTA_AWS')) delete process.env[key];
  Object.assign(process.env, { HOME: home, FORCE_COLOR: '1' });
  delete process.env.NO_COLOR;
  const { Config } = await import('@oclif/core');
  const { default: ansis } = await import('ansis');
  const { default: Help } = await import(join(root, 'dist', 'cli', 'help.js'));
  // oclif's help renames the commands it lists (`plugins:install` becomes `plugins install`) in
  // the config itself, which changes what a page listing subcommands shows the next time: each
  // page starts from a new config, and a page that renders differently twice gets one per width.
  let config;
  let reload = false;
  const render = async (args, maxWidth) => {
    if (reload) config = await Config.load(join(root, 'package.json'));
    let text = '';
    const write = process.stdout.write;
    process.stdout.write = (chunk) => ((text += chunk), true);
    try {
      await new Help(config, { ...(pjson.oclif.helpOptions ?? pjson.helpOptions), maxWidth }).showHelp(args);
    } finally {
      process.stdout.write = write;
    }
    return text;
  };

  const terminal = {};
  let count = 0;
  for (const words of pageArgs) {
    const key = words.join(' ');
    const args = [...words, '--help'];
    config = await Config.load(join(root, 'package.json'));
    reload = false;
    const first = await render(args, 80);
    if (ansis.strip(first) !== plain[key]) throw new Error(`okta-aws ${args.join(' ')}: the page without colours differs from the plain one`);
    reload = (await render(args, 80)) !== first;
    const widest = await render(args, 100_000);
    const runs = [];
    for (let width = 40; ; width += 1) {
      const text = await render(args, width);
      if (runs.length === 0 || runs.at(-1)[1] !== text) runs.push([width, text]);
      // Past the width at which nothing wraps, wider terminals print the same page.
      if (text === widest) {
        for (const wider of [width + 1, width + 7, width + 50, width * 3]) {
          if ((await render(args, wider)) !== widest) throw new Error(`okta-aws ${args.join(' ')}: the page changes again at ${wider} columns`);
        }
        break;
      }
      if (width > 2000) throw new Error(`okta-aws ${args.join(' ')}: still changing at ${width} columns`);
    }
    count += runs.length;
    terminal[key] = { showsAgent: widest.includes(config.userAgent), runs: brotliCompressSync(JSON.stringify(runs)).toString('base64') };
  }
  writeFileSync(join(root, 'dist', 'help.json'), JSON.stringify({ userAgent: config.userAgent, plain, terminal }) + '\n');
  console.log(`dist/help.json: ${pageArgs.length} help pages, ${count} terminal widths`);
} finally {
  rmSync(home, { recursive: true, force: true });
}
