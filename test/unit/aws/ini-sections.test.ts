/** aws/ini-sections: the credentials file read as botocore's configparser reads it. */
import { describe, expect, it } from 'vitest';
import { parseIniSections } from '../../../src/aws/ini-sections.js';

const entries = (text: string, section = 0) => Object.fromEntries(parseIniSections(text, 'creds').sections[section]?.entries ?? []);

describe('parseIniSections', () => {
  it('strips every kind of ASCII whitespace around keys and values, \\v and \\f included', () => {
    expect(entries('[a]\n\fkey\v =\tvalue\v\f\n')).toEqual({ key: 'value' });
  });

  it('continues a value on lines indented deeper, \\v counting as indentation', () => {
    expect(entries('[a]\nk = v\n\vcont\n')).toEqual({ k: 'v\ncont' });
  });

  it('keeps blank lines inside a continued value and drops those after it', () => {
    expect(entries('[a]\nk = v1\n\n  v2\n\n\n[b]\n')).toEqual({ k: 'v1\n\nv2' });
    expect(entries('[a]\nk = v\n  cont\n\n\n')).toEqual({ k: 'v\ncont' });
  });

  it('takes only a line that starts with [ as a header', () => {
    expect(entries('[a]\nk = x]y]\nj = [z]\n')).toEqual({ k: 'x]y]', j: '[z]' });
  });

  it('skips a UTF-8 byte order mark (as latin1) before the first header', () => {
    const doc = parseIniSections('\xef\xbb\xbf[a]\nk = v\n', 'creds');
    expect(doc.sections.map((s) => ({ name: s.name, line: s.line, start: s.start }))).toEqual([{ name: 'a', line: 1, start: 3 }]);
  });

  it('names the path and line of what it refuses, and what to do', () => {
    expect(() => parseIniSections('[a]\nk = 1\nk = 2\n', '/home/u/.aws/credentials')).toThrow(
      expect.objectContaining({
        message: '/home/u/.aws/credentials line 3 is not valid: the key "k" appears twice in [a]',
        hint: 'Fix or remove that line (the AWS CLI cannot read this file either); okta-aws left the file unchanged.',
        code: 'BAD_CREDENTIALS_FILE',
      }),
    );
  });
});
