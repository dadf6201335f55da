import { describe, expect, it } from 'vitest';
import { jsonErrorPosition } from '../../../src/lib/json-position.js';

describe('jsonErrorPosition', () => {
  it.each([
    ['{"a": x}', 1, 7],
    ['{"a": 1,}', 1, 9],
    ['{"a": 1\n "b": 2}', 2, 2],
    ['{"a": "secret', 1, 14],
    ['', 1, 1],
    ['{"a": tru}', 1, 10],
    ['{"a": "\\q"}', 1, 9],
    ['{"a": "\\u12g4"}', 1, 12],
    ['{"a": [1, 2 3]}', 1, 13],
    ['{"a": -}', 1, 7],
    ['{"a": 1} {', 1, 10],
    ['{"a": "tab\there"}', 1, 11],
    ['\n\n   [1,\n  ]', 4, 3],
  ])('%j breaks at line %i, column %i', (text, line, column) => {
    expect(() => JSON.parse(text)).toThrow();
    expect(jsonErrorPosition(text)).toEqual({ line, column });
  });
});
