/** RFC 3339 without milliseconds (`2026-01-01T00:00:00Z`): what credential_process, botocore and the AWS CLI expect. */
export function rfc3339(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
