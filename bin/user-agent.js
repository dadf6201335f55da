'use strict';
// oclif's Config.userAgent (`<name>/<version> <platform>-<arch> node-<version>`), which --version
// prints and the top help page shows, for the paths that answer without oclif. oclif calls WSL's
// platform `wsl`, decided by the is-wsl package; on a machine with any of its signs this returns
// undefined, and the caller lets oclif answer.
const { existsSync, readFileSync } = require('node:fs');
const { arch, platform, release } = require('node:os');
const { join } = require('node:path');

function maybeWsl() {
  if (platform() !== 'linux') return false;
  if (release().toLowerCase().includes('microsoft')) return true;
  try {
    if (readFileSync('/proc/version', 'utf8').toLowerCase().includes('microsoft')) return true;
  } catch {
    // no /proc: is-wsl goes on to the same paths
  }
  return existsSync('/proc/sys/fs/binfmt_misc/WSLInterop') || existsSync('/run/WSL');
}

function userAgent() {
  if (maybeWsl()) return undefined;
  const { name, version } = JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8'));
  return `${name}/${version} ${platform()}-${arch() === 'ia32' ? 'x86' : arch()} node-${process.version}`;
}

module.exports = { userAgent };
