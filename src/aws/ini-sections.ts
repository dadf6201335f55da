import { UserError } from '../lib/errors.js';

/**
 * A line-exact reader for the AWS shared credentials file, following the rules of Python's
 * configparser as botocore uses it (RawConfigParser, strict): full-line `#`/`;` comments, no inline
 * comments, `=` or `:` between key and value, indented continuation lines, and no duplicate sections
 * or keys. It works on a latin1 view of the bytes, so every offset it reports is a byte offset and
 * the caller can splice the original bytes without re-encoding anything it does not own.
 */

export interface IniSection {
  /** The header text, trimmed: `[ okta-x ]` is `okta-x`. */
  name: string;
  /** 1-based line of the header. */
  line: number;
  /** Characters of whitespace before the `[`: configparser reads an indented header as part of the value above it when that value is indented less. */
  indent: number;
  /** Byte offset where the header line starts. */
  start: number;
  /**
   * Byte offset just past the last line that belongs to the section: its last key or continuation
   * line (end of line included), or the header line when it has no keys. Comments and blank lines
   * after that are not part of it.
   */
  end: number;
  /** Keys lower-cased (as configparser does), values as botocore sees them (latin1 view). */
  entries: Map<string, string>;
}

export type LineEnding = '\n' | '\r\n' | '\r';

/**
 * Line ends as Python reads a text file (universal newlines): LF, CRLF and a lone CR. A file saved
 * with CR-only endings is many lines to botocore; read as one, its okta- sections went unseen and
 * were appended again, which made a duplicate section configparser refuses.
 */
const LINE_END = /\r\n|\r|\n/g;

/** Where the line starting at `offset` ends (its content) and where the next one starts. */
function lineAt(text: string, offset: number): { contentEnd: number; next: number; ending: string } {
  LINE_END.lastIndex = offset;
  const found = LINE_END.exec(text);
  return found ? { contentEnd: found.index, next: found.index + found[0].length, ending: found[0] } : { contentEnd: text.length, next: text.length, ending: '' };
}

export interface IniDocument {
  sections: IniSection[];
  /** The file's own line ending, so new text matches it. */
  eol: LineEnding;
}

const BOM = '\xef\xbb\xbf'; // UTF-8 BOM seen through latin1

/** Python's str.strip() on the ASCII whitespace a credentials file can hold. */
function trim(text: string): string {
  return text.replace(/^[ \t\f\v\r\n]+|[ \t\f\v\r\n]+$/g, '');
}

/**
 * Parses `text` (the file's bytes as latin1). A line botocore would reject is a UserError naming
 * its line number; the line itself is never echoed, as it may hold a secret.
 */
export function parseIniSections(text: string, path: string): IniDocument {
  const sections: IniSection[] = [];
  const seen = new Map<string, number>();
  let section: IniSection | undefined;
  let key: string | undefined;
  let valueLines: string[] = [];
  let indentLevel = 0;

  const finishValue = () => {
    // configparser joins continuation lines with \n and drops trailing blank ones.
    if (section && key !== undefined) section.entries.set(key, valueLines.join('\n').replace(/[ \t\f\v\r\n]+$/, ''));
  };
  const fail = (line: number, why: string) =>
    new UserError(`${path} line ${line} is not valid: ${why}`, {
      hint: 'Fix or remove that line (the AWS CLI cannot read this file either); okta-aws left the file unchanged.',
      code: 'BAD_CREDENTIALS_FILE',
    });

  let offset = text.startsWith(BOM) ? BOM.length : 0;
  let eol: LineEnding | undefined;
  for (let line = 1; offset < text.length; line += 1) {
    const { contentEnd, next, ending } = lineAt(text, offset);
    eol ??= ending === '' ? undefined : (ending as LineEnding);
    const content = text.slice(offset, contentEnd);
    const start = offset;
    offset = next;

    const stripped = trim(content);
    if (stripped === '') {
      if (key !== undefined) valueLines.push('');
      continue;
    }
    if (stripped.startsWith('#') || stripped.startsWith(';')) continue;

    const indent = content.search(/[^ \t\f\v\r]/);
    if (section && key !== undefined && indent > indentLevel) {
      valueLines.push(stripped);
      section.end = next;
      continue;
    }
    indentLevel = indent;

    const close = stripped.lastIndexOf(']');
    if (stripped.startsWith('[') && close >= 2) {
      finishValue();
      key = undefined;
      const name = trim(stripped.slice(1, close));
      const earlier = seen.get(name);
      if (earlier !== undefined) throw fail(line, `the section [${name}] already started at line ${earlier}`);
      seen.set(name, line);
      section = { name, line, indent, start, end: next, entries: new Map() };
      sections.push(section);
      continue;
    }
    if (!section) throw fail(line, 'it comes before any [section] header and is neither blank nor a # comment');

    const delimiter = stripped.search(/[=:]/);
    const name = delimiter < 0 ? '' : trim(stripped.slice(0, delimiter)).toLowerCase();
    if (name === '') throw fail(line, 'expected "key = value", a [section] header, a # comment or a blank line');
    if (section.entries.has(name)) throw fail(line, `the key "${name}" appears twice in [${section.name}]`);
    finishValue();
    key = name;
    const value = trim(stripped.slice(delimiter + 1));
    valueLines = [value];
    section.entries.set(name, value);
    section.end = next;
  }
  finishValue();
  return { sections, eol: eol ?? '\n' };
}
