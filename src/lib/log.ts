/**
 * Debug logging on stderr (`--debug` or `DEBUG=okta-aws`). Every secret the process handles is
 * registered here first, and every line is scrubbed of all of them before it is written.
 */
const secrets = new Set<string>();
let enabled = /(^|,)\s*(okta-aws|\*)\s*(,|$)/.test(process.env.DEBUG ?? '');

export function enableDebug(): void {
  enabled = true;
}

export function debugEnabled(): boolean {
  return enabled;
}

/** Remember a value that must never appear in any output (short values would redact noise). */
export function registerSecret(value: string | undefined): void {
  if (value && value.length >= 4) secrets.add(value);
}

export function redact(text: string): string {
  let out = text;
  for (const secret of secrets) out = out.split(secret).join('[redacted]');
  // Values that may reach a log before they are registered: tokens in URLs and form bodies.
  return out.replace(/((?:sessionToken|onetimetoken|token|device_code|SAMLAssertion|SAMLResponse|SigninToken|stateToken|passCode|sid)=)[^&\s;"]+/gi, '$1[redacted]');
}

export function debug(message: string): void {
  if (enabled) process.stderr.write(`okta-aws: ${redact(message)}\n`);
}
