'use strict';
// `okta-aws --help` and `okta-aws <command> --help` without oclif, for output that is not a
// terminal. dist/help.json holds what oclif's own help printed for each page at build time
// (scripts/help-snapshot.js: no terminal, so 80 columns, no colours, no user plugins). It is
// printed only when nothing here could make oclif print something else; otherwise (a terminal,
// OCLIF_*, DEBUG or a development NODE_ENV in the environment, a theme file, a user plugin that
// may add commands or hooks) bin/run.js runs oclif as usual. bin/run.js asks the same two
// questions (environment, user plugins) before its fast `init`.
const { existsSync, readFileSync } = require('node:fs');
const { homedir } = require('node:os');
const { join } = require('node:path');

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

/** The page for `args` (ending in --help), or undefined when oclif must render it. */
function snapshotFor(args) {
  if (args.length === 0 || args[args.length - 1] !== '--help' || args.slice(0, -1).some((a) => a.startsWith('-'))) return undefined;
  if (process.stdout.isTTY || process.platform === 'win32') return undefined;
  if (!plainOclifEnvironment()) return undefined;
  let pages;
  try {
    pages = JSON.parse(readFileSync(join(root, 'dist', 'help.json'), 'utf8'));
  } catch {
    return undefined;
  }
  const key = args.slice(0, -1).join(' ');
  if (!Object.hasOwn(pages, key)) return undefined;
  if (existsSync(join(scopedEnv('CONFIG_DIR') || oclifDir('config'), 'theme.json'))) return undefined;
  if (userPlugins() === 'other') return undefined;
  return pages[key];
}

/** Prints the page and returns true, or returns false for bin/run.js to run oclif. */
function printHelp(args) {
  const page = snapshotFor(args);
  if (page === undefined) return false;
  process.stdout.write(page);
  return true;
}

module.exports = { plainOclifEnvironment, printHelp, userPlugins };
