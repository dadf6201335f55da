/**
 * Characters remote text must not bring to a terminal: C0 controls (ESC starts cursor moves and
 * colours, CR overwrites the line, LF forges a second one), DEL, C1 controls (0x9B is CSI on
 * 8-bit terminals) and the Unicode format characters that reorder or break lines (bidi overrides,
 * line and paragraph separators).
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/**
 * Text from the network (Okta's error summaries, SAML attribute values, STS messages) made safe to
 * echo: each unprintable character is shown as an escape (`\x1b`, `\u202e`), so what it was stays
 * visible but cannot act.
 */
export function printable(text: string): string {
  return text.replace(UNPRINTABLE, (c) => {
    const code = c.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}
