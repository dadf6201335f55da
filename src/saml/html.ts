/**
 * A forgiving HTML tag scanner for the pages Okta and AWS serve. HTML is not XML (unquoted
 * attributes, void tags, entities XML does not know), so this reads tags one by one instead of
 * parsing a document.
 */
/** A start tag: lower-cased name and entity-decoded attribute values. */
export interface Tag {
  name: string;
  attributes: Map<string, string>;
  /** Index just past the tag's closing `>`. */
  end: number;
}

/** Every start tag in the page, with lower-cased names and entity-decoded attribute values. */
export function* scanTags(html: string): Generator<Tag> {
  let i = 0;
  for (;;) {
    const lt = html.indexOf('<', i);
    if (lt < 0) return;
    if (html.startsWith('<!--', lt)) {
      const end = html.indexOf('-->', lt + 4);
      if (end === -1) return;
      i = end + 3;
      continue;
    }
    const nameMatch = /^<([A-Za-z][A-Za-z0-9-]*)/.exec(html.slice(lt, lt + 64));
    if (!nameMatch?.[1]) {
      i = lt + 1;
      continue;
    }
    const name = nameMatch[1].toLowerCase();
    const { attributes, end } = readAttributes(html, lt + nameMatch[0].length);
    yield { name, attributes, end };
    i = end;
    // Script and style bodies are raw text: a "<input" inside a script is not a tag.
    if (name === 'script' || name === 'style') {
      const close = new RegExp(`</${name}`, 'gi');
      close.lastIndex = i;
      i = close.exec(html)?.index ?? html.length;
    }
  }
}

/** Reads `name`, `name=value`, `name='value'`, `name="value"` pairs up to the closing `>`. */
function readAttributes(html: string, start: number): { attributes: Map<string, string>; end: number } {
  const attributes = new Map<string, string>();
  let i = start;
  // charAt past the end is '', which no class matches: these loops stop there by themselves.
  const skipSpace = () => {
    while (/[\s/]/.test(html.charAt(i))) i += 1;
  };
  for (;;) {
    skipSpace();
    if (i >= html.length) return { attributes, end: i };
    if (html.charAt(i) === '>') return { attributes, end: i + 1 };
    const nameStart = i;
    while (i < html.length && !/[\s/>=]/.test(html.charAt(i))) i += 1;
    const attrName = html.slice(nameStart, i).toLowerCase();
    while (/\s/.test(html.charAt(i))) i += 1;
    let value = '';
    if (html.charAt(i) === '=') {
      i += 1;
      while (/\s/.test(html.charAt(i))) i += 1;
      const quote = html.charAt(i);
      if (quote === '"' || quote === "'") {
        const close = html.indexOf(quote, i + 1);
        const stop = close === -1 ? html.length : close;
        value = html.slice(i + 1, stop);
        i = stop + 1;
      } else {
        const valueStart = i;
        while (i < html.length && !/[\s>]/.test(html.charAt(i))) i += 1;
        value = html.slice(valueStart, i);
      }
    }
    // The first occurrence wins, as in browsers.
    if (attrName !== '' && !attributes.has(attrName)) attributes.set(attrName, decodeEntities(value));
  }
}

const NAMED_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0', sol: '/', colon: ':', equals: '=', plus: '+' };

/** Undoes `&name;`, `&#43;` and `&#x2b;`; an unknown or invalid reference stays as written, as in browsers. */
export function decodeEntities(text: string): string {
  return text.replace(/&(#[xX][0-9A-Fa-f]+|#[0-9]+|[A-Za-z]+);/g, (whole, ref: string) => {
    if (ref.startsWith('#')) {
      const code = ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return NAMED_ENTITIES[ref] ?? whole;
  });
}
