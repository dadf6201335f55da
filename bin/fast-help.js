'use strict';
// `okta-aws --help` and `okta-aws <command> --help` without oclif. dist/help.json holds what
// oclif's own help prints for each page (scripts/help-snapshot.js): without a terminal, and on a
// terminal at every width, with colours (without colour support oclif prints the same text minus
// its escapes). A page is printed only when nothing here could make oclif print something else;
// otherwise (OCLIF_*, DEBUG or a development NODE_ENV in the environment, a theme file, a user
// plugin that may add commands or hooks, a user agent that does not fit where the page shows it)
// bin/run.js runs oclif as usual. bin/run.js asks the same two questions (environment, user
// plugins) before its fast `init`.
const { existsSync, readFileSync } = require('node:fs');
const { createRequire } = require('node:module');
const { homedir } = require('node:os');
const { join } = require('node:path');
const { brotliDecompressSync } = require('node:zlib');
const { userAgent } = require('./user-agent.js');

const root = join(__dirname, '..');

/** oclif's Config.scopedEnvVar for this package's bins (okta-aws, okta-aws-cred-helper). */
function scopedEnv(key) {
  return process.env[`OKTA_AWS_${key}`] || process.env[`OKTA_AWS_CRED_HELPER_${key}`];
}

/** oclif's Config.dir: XDG_<CATEGORY>_HOME, else ~/.config or ~/.local/share; then the dirname. */
function oclifDir(category) {
  const home = process.env.HOME || homedir();
  const base = process.env[`XDG_${category.toUpperCase()}_HOME`] || join(home, category === 'data' ? '.local/share' : '.' + category);
  return join(base, 'okta-aws');
}

/** True when `pkg`'s oclif section can neither add a command or topic nor run a hook but the store one. */
function offersOnlyStores(pkg) {
  const oclif = (pkg && pkg.oclif) || {};
  const allowed = new Set(['hooks', 'schema', 'devPlugins']);
  if (!Object.keys(oclif).every((key) => allowed.has(key))) return false;
  return Object.keys(oclif.hooks || {}).every((event) => event === 'okta-aws:secret-store');
}

/**
 * Plugins the user installed or linked (oclif's data folder): 'none'; 'stores' when each offers
 * at most secret stores (no command, topic or other hook: nothing help or a command line could
 * see); otherwise 'other'.
 */
function userPlugins() {
  const dataDir = scopedEnv('DATA_DIR') || oclifDir('data');
  let pjson;
  try {
    pjson = JSON.parse(readFileSync(join(dataDir, 'package.json'), 'utf8'));
  } catch (error) {
    return error.code === 'ENOENT' ? 'none' : 'other';
  }
  const plugins = (pjson && pjson.oclif && pjson.oclif.plugins) || [];
  if (!Array.isArray(plugins)) return 'other';
  if (plugins.length === 0) return 'none';
  const inert = plugins.every((plugin) => {
    const name = typeof plugin === 'string' ? plugin : plugin && plugin.name;
    if (typeof name !== 'string') return false;
    const pluginRoot = plugin.type === 'link' ? plugin.root : join(dataDir, 'node_modules', name);
    try {
      return typeof pluginRoot === 'string' && offersOnlyStores(JSON.parse(readFileSync(join(pluginRoot, 'package.json'), 'utf8')));
    } catch {
      return false;
    }
  });
  return inert ? 'stores' : 'other';
}

/**
 * Nothing in the environment changes how oclif runs: OCLIF_* settings, DEBUG (its own debug
 * output), a development NODE_ENV (it may look for TypeScript sources and warn), or a Node older
 * than package.json's engines (it would warn).
 */
function plainOclifEnvironment() {
  if (Object.keys(process.env).some((key) => key.startsWith('OCLIF_')) || process.env.DEBUG) return false;
  if (process.env.NODE_ENV === 'development' || process.env.NODE_ENV === 'test') return false;
  const [major, minor] = process.versions.node.split('.').map(Number);
  return major > 20 || (major === 20 && minor >= 17);
}

/**
 * How oclif would lay the page out: its width (oclif's screen.termwidth: the terminal's columns,
 * 80 when unknown, at least 40) and whether it would print escapes. oclif colours a help page
 * only when its copy of supports-color allows it on both stdout and stderr (so not under CI=true,
 * nor with stderr redirected) and ansis, which writes the escapes, has colours too: the two read
 * the environment differently, so both are asked. No terminal: 80 columns, no colours.
 */
function screen() {
  if (!process.stdout.isTTY) return { terminal: false, width: 80 };
  const columns = process.stdout.getWindowSize()[0];
  const width = columns < 1 ? 80 : Math.max(columns, 40);
  const oclifRequire = createRequire(require.resolve('@oclif/core'));
  const ansis = oclifRequire('ansis');
  const supports = oclifRequire('supports-color');
  return { terminal: true, width, colour: Boolean(supports.stdout) && Boolean(supports.stderr) && ansis.isSupported(), strip: ansis.strip };
}

/**
 * The page `key` as oclif prints it on `where`, with `agent` as the user agent; undefined when
 * that cannot be told from `data` (dist/help.json). The VERSION line is the only part that
 * depends on the machine: the built one is swapped for `agent` only where both fit on one line
 * (oclif wraps it to the width less its 2-space indent), so the page is otherwise unchanged.
 */
function pageFor(data, key, where, agent) {
  if (!Object.hasOwn(data.plain, key)) return undefined;
  let text;
  if (where.terminal) {
    const runs = JSON.parse(brotliDecompressSync(Buffer.from(data.terminal[key].runs, 'base64')).toString('utf8'));
    text = runs.findLast(([from]) => from <= where.width)[1];
    if (!where.colour) text = where.strip(text);
  } else {
    text = data.plain[key];
  }
  if (!data.terminal[key].showsAgent || agent === data.userAgent) return text;
  const line = `\n  ${data.userAgent}\n`;
  if (agent === undefined || agent.length > where.width - 2 || !text.includes(line)) return undefined;
  return text.replace(line, () => `\n  ${agent}\n`);
}

/** The page for `args` (ending in --help), or undefined when oclif must render it. */
function snapshotFor(args) {
  if (args.length === 0 || args[args.length - 1] !== '--help' || args.slice(0, -1).some((a) => a.startsWith('-'))) return undefined;
  if (process.platform === 'win32' || !plainOclifEnvironment()) return undefined;
  let data;
  try {
    data = JSON.parse(readFileSync(join(root, 'dist', 'help.json'), 'utf8'));
  } catch {
    return undefined;
  }
  const key = args.slice(0, -1).join(' ');
  if (!Object.hasOwn(data.plain, key)) return undefined;
  if (existsSync(join(scopedEnv('CONFIG_DIR') || oclifDir('config'), 'theme.json'))) return undefined;
  if (userPlugins() === 'other') return undefined;
  return pageFor(data, key, screen(), userAgent());
}

/** Prints the page and returns true, or returns false for bin/run.js to run oclif. */
function printHelp(args) {
  const page = snapshotFor(args);
  if (page === undefined) return false;
  process.stdout.write(page);
  return true;
}

module.exports = { pageFor, plainOclifEnvironment, printHelp, userPlugins };
