import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cacheDir } from '../lib/paths.js';

/** Same threshold as credential-cache.ts; kept here so this path loads nothing else. */
const FRESH_FOR_MS = 5 * 60 * 1000;

/**
 * The hot path of `credential-process <profile>`, run by bin/run.js before oclif loads: every `aws`
 * call is a new process, so this must cost little more than starting Node. Returns false when the
 * cache cannot answer (missing, stale, unknown profile) and the full command must run.
 */
export function serveFromCache(profile: string): boolean {
  let entry;
  try {
    const cache = JSON.parse(readFileSync(join(cacheDir(), 'credentials.json'), 'utf8')) as {
      version?: number;
      credentials?: Record<string, { AccessKeyId: string; SecretAccessKey: string; SessionToken: string; Expiration: string }>;
    };
    entry = cache.version === 1 ? cache.credentials?.[profile] : undefined;
  } catch {
    return false;
  }
  if (!entry || !(Date.parse(entry.Expiration) - Date.now() > FRESH_FOR_MS)) return false;
  const { AccessKeyId, SecretAccessKey, SessionToken, Expiration } = entry;
  process.stdout.write(JSON.stringify({ Version: 1, AccessKeyId, SecretAccessKey, SessionToken, Expiration }) + '\n');
  return true;
}
