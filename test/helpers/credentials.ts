import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/** A credentials file as people really keep them: comments, odd spacing, other tools' profiles. */
export const USER_CREDENTIALS = [
  '# my AWS keys -- do not lose',
  '[default]',
  'aws_access_key_id=AKIAEXAMPLEDEFAULT00',
  'aws_secret_access_key =  wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  '',
  '; a profile written by another tool',
  '[work]',
  '\taws_access_key_id = AKIAEXAMPLEWORK00000',
  'aws_secret_access_key = secret/with+chars=',
  '',
  '[okta-111111111111-Old]',
  'aws_access_key_id = ASIAOLDOLDOLDOLD0000',
  'aws_secret_access_key = old',
  '',
  '# trailing comment, no final newline',
  '[personal]',
  'region=eu-west-1',
].join('\n');

/**
 * The file without the lines that belong to `okta-` sections (each header and its key lines). Comments
 * and blank lines stay wherever they are: they belong to the user, not to the section above them.
 */
export function stripOktaSections(text: string): string {
  const out: string[] = [];
  let inOkta = false;
  for (const line of text.split(/(?<=\n)/)) {
    const header = /^\s*\[\s*([^\]]+?)\s*\]/.exec(line);
    if (header) inOkta = header[1]!.startsWith('okta-');
    const userLine = /^\s*([#;].*)?\r?\n?$/.test(line);
    if (!inOkta || userLine) out.push(line);
  }
  return out.join('');
}

/** What must hold after any write: the user's bytes unchanged, at most a final newline and blank line added. */
export function userBytesKept(before: string, after: string): boolean {
  const a = stripOktaSections(before);
  const b = stripOktaSections(after);
  return b === a || (b.startsWith(a) && /^\s*$/.test(b.slice(a.length)));
}

/** Puts USER_CREDENTIALS where the CLI under test will write its profiles. */
export async function seedUserCredentials(path: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, USER_CREDENTIALS, { mode: 0o600 }); // as the AWS CLI creates it: nothing for okta-aws to tighten
}
