import { createRequire } from 'node:module';

/**
 * A CommonJS package loaded with `require`: `import()` of CommonJS first scans its sources for
 * export names (Node's cjs-module-lexer, following every re-export), a large part of a refresh's
 * start-up for the SDK and for tough-cookie's public suffix list (tldts). The caller gives the type.
 */
export function requireCjs(name: string): unknown {
  return createRequire(import.meta.url)(name);
}
