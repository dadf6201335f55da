/** A profile as the listing commands print it; `expiration` is RFC 3339, null when nothing is live. */
export interface ProfileRow {
  profile: string;
  roleArn: string;
  expiration?: string | null;
  /** For `account: true`: the alias, else the id, in an ACCOUNT column. */
  accountId?: string;
  accountAlias?: string | null;
}

export interface ListingOptions {
  /** Terminal width; undefined when stdout is not a terminal (tab-separated rows for scripts). */
  columns: number | undefined;
  /** Whether the listing has an expiry column (init's verify has no credentials yet). */
  expiry: boolean;
  /** An ACCOUNT column (alias or id) on a terminal wide enough for it; scripts' rows stay as they were. */
  account?: boolean;
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
  const account = options.account === true;
  const header = ['PROFILE', ...(account ? ['ACCOUNT'] : []), 'ROLE ARN', ...(options.expiry ? ['EXPIRES'] : [])];
  const body = rows.map((r) => [
    r.profile,
    ...(account ? [r.accountAlias ?? r.accountId ?? ''] : []),
    r.roleArn,
    ...(options.expiry ? [r.expiration ? relativeExpiry(r.expiration, now) : 'no live credentials'] : []),
  ]);
  const arn = account ? 2 : 1;
  const width = (i: number) => Math.max(...[header, ...body].map((cells) => (cells[i] ?? '').length));
  const widths = header.map((_, i) => width(i));
  const fixed = widths.reduce((sum, w, i) => (i === arn ? sum : sum + w + GAP.length), 0);
  // On a narrow terminal the ARN (with the account in it) matters more than a column of its own.
  if (account && fixed + MIN_ARN > options.columns) return profileListing(rows, { ...options, account: false });
  widths[arn] = Math.min(widths[arn]!, Math.max(MIN_ARN, options.columns - fixed));
  return [header, ...body]
    .map((cells) => {
      const line = cells.map((cell, i) => (i === arn ? fit(cell, widths[i]!) : cell).padEnd(widths[i]!)); // the last column's padding is trimmed below
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
