/** saml/html: the tag scanner Okta's and AWS's pages are read with, on the HTML quirks those pages use. */
import { describe, expect, it } from 'vitest';
import { decodeEntities, scanTags } from '../../../src/saml/html.js';

/** Each tag as [name, attributes, end] — end is where the caller resumes reading text. */
const scan = (html: string) => [...scanTags(html)].map((t) => [t.name, Object.fromEntries(t.attributes), t.end]);

describe('scanTags', () => {
  it.each<[string, string, unknown[]]>([
    ['a plain tag, end just past its >', '<input name="SAMLResponse" value="a&#x2b;b">rest', [['input', { name: 'SAMLResponse', value: 'a+b' }, 44]]],
    ['upper-case names lower-cased, text and a lone < skipped', 'a < b <FORM ACTION=x>', [['form', { action: 'x' }, 21]]],
    ['a < followed by a tag within the next 64 characters is still no tag', '<  <input name=a>', [['input', { name: 'a' }, 17]]],
    ['comments hide tags', '<!-- hidden: <input name=a> --><p>', [['p', {}, 34]]],
    ['a tag right before a comment closes is hidden too', '<!--<br--><i>', [['i', {}, 13]]],
    ['a --> before a comment opens closes nothing', '--><!-- <a> --><b>', [['b', {}, 18]]],
    ['an unclosed comment hides the rest', '<p><!-- <input name=a>', [['p', {}, 3]]],
    [
      'script and style bodies are text, whatever the case of the closing tag',
      "<script>if (a<b) x = '<input name=s>'</SCRIPT><style>p{} <input name=t></style><input name=u>",
      [
        ['script', {}, 8],
        ['style', {}, 53],
        ['input', { name: 'u' }, 93],
      ],
    ],
    [
      'two scripts each end at their own closing tag',
      '<script>a</script><i><script>b</script><b>',
      [
        ['script', {}, 8],
        ['i', {}, 21],
        ['script', {}, 29],
        ['b', {}, 42],
      ],
    ],
    ['an unclosed script hides the rest', '<script><input name=x>', [['script', {}, 8]]],
    [
      'valueless, spaced, single-quoted and repeated attributes (the first wins), and a nameless one',
      `<input disabled name=x type = "hidden" value='v' NAME=y ="z" checked>`,
      [['input', { disabled: '', name: 'x', type: 'hidden', value: 'v', checked: '' }, 69]],
    ],
    ['a quoted value holds > and spaces', '<input value="a > b" id=c>', [['input', { value: 'a > b', id: 'c' }, 26]]],
    ['self-closing slashes separate attributes', '<br/><input name="a"/><img src=x />', [['br', {}, 5], ['input', { name: 'a' }, 22], ['img', { src: 'x' }, 35]]],
    ['a tag cut off in an unquoted value ends at the end of the page', '<input name=a', [['input', { name: 'a' }, 13]]],
    ['a tag cut off in an attribute name ends at the end of the page', '<input name', [['input', { name: '' }, 11]]],
    ['a tag cut off after its name', '<input ', [['input', {}, 7]]],
    ['a quoted value cut off runs to the end of the page', '<input value="a b', [['input', { value: 'a b' }, 18]]],
  ])('%s', (_what, html, tags) => {
    expect(scan(html)).toEqual(tags);
  });
});

describe('decodeEntities', () => {
  it.each([
    ['named', '&amp;&lt;&gt;&quot;&apos;&nbsp;&sol;&colon;&equals;&plus;', '&<>"\'\u00a0/:=+'],
    ['decimal and hex, any case of x and digits', '&#43;&#x2b;&#X2F;&#x3D;&#1;&#128512;', '++/=\u0001😀'],
    ['the largest code point', '&#x10FFFF;', '\u{10ffff}'],
    ['zero and beyond Unicode stay as written', '&#0;&#x110000;&#1114112;', '&#0;&#x110000;&#1114112;'],
    ['unknown, unterminated and empty references stay as written', '&bogus; &amp &#; &#x; &#xZZ; a&b', '&bogus; &amp &#; &#x; &#xZZ; a&b'],
    ['text around references is kept', 'a&amp;b&#x26;c', 'a&b&c'],
  ])('%s', (_what, text, decoded) => {
    expect(decodeEntities(text)).toBe(decoded);
  });
});
