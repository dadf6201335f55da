/** A profile as the listing commands print it; `expiration` is RFC 3339, null when nothing is live. */
export interface ProfileRow {
  profile: string;
  roleArn: string;
  expiration?: string | null;
}

export interface ListingOptions {
  /** Terminal width; undefined when stdout is not a terminal (tab-separated rows for scripts). */
  columns: number | undefined;
  /** Whether the listing has an expiry column (init's verify has no credentials yet). */
  expiry: boolean;
  now?: number;
}

const GAP = '  ';
/** The ARN column never shrinks below this; past it, lines may wrap rather than lose the role name. */
const MIN_ARN = 24;

/**
 * Profiles for a person (aligned table, header, relative expiry, fitted to the width) or for a
 * script (one tab-separated row each, absolute expiry: the format scripts already parse).
 */
export function profileListing(rows: ProfileRow[], options: ListingOptions): string {
  if (options.columns === undefined) {
    return rows.map((r) => [r.profile, r.roleArn, ...(options.expiry ? [r.expiration ? `expires ${r.expiration}` : 'no live credentials'] : [])].join('\t') + '\n').join('');
  }
  const now = options.now ?? Date.now();
  const header = ['PROFILE', 'ROLE ARN', ...(options.expiry ? ['EXPIRES'] : [])];
  const body = rows.map((r) => [r.profile, r.roleArn, ...(options.expiry ? [r.expiration ? relativeExpiry(r.expiration, now) : 'no live credentials'] : [])]);
  const width = (i: number) => Math.max(...[header, ...body].map((cells) => (cells[i] ?? '').length));
  const profileWidth = width(0);
  const expiryWidth = options.expiry ? width(2) : 0;
  const fixed = profileWidth + GAP.length + (options.expiry ? GAP.length + expiryWidth : 0);
  const arnWidth = Math.min(width(1), Math.max(MIN_ARN, options.columns - fixed));
  return [header, ...body]
    .map((cells) => {
      const line = [cells[0]!.padEnd(profileWidth), fit(cells[1]!, arnWidth).padEnd(arnWidth), ...(options.expiry ? [cells[2]!] : [])];
      return line.join(GAP).trimEnd() + '\n';
    })
    .join('');
}

/** "in 11h 59m", "in 4m", "expired 3m ago". */
export function relativeExpiry(expiration: string, now: number): string {
  const ms = Date.parse(expiration) - now;
  return ms > 0 ? `in ${span(ms)}` : `expired ${span(-ms)} ago`;
}

function span(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 1) return `${Math.floor(ms / 1000)}s`;
  const hours = Math.floor(minutes / 60);
  return hours > 0 ? `${hours}h ${minutes % 60}m` : `${minutes}m`;
}

/** Too long: keep the start (partition, account) and the end (the role's name), drop the middle. */
function fit(text: string, width: number): string {
  if (text.length <= width) return text;
  const tail = Math.ceil((width - 1) / 2);
  return `${text.slice(0, width - 1 - tail)}…${text.slice(text.length - tail)}`;
}
