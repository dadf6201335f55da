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

  it.each([
    '{}',
    '[]',
    ' { "a" : [ 1 , -2.5e+3 , 0 , 10E-2 , 3e7 , true , false , null , "x" ] , "b" : { } , "c" : [ ] } ',
    '"esc \\" \\\\ \\/ \\b \\f \\n \\r \\t \\u00e9 \\uABCD"',
    '\t\r\n[\n\t{"k":"v"}\r\n]\n',
    '-0',
    '[[[]],[{}]]',
  ])('accepts %j, pointing past its end', (text) => {
    expect(() => JSON.parse(text)).not.toThrow();
    const lines = text.split('\n');
    expect(jsonErrorPosition(text)).toEqual({ line: lines.length, column: lines.at(-1)!.length + 1 });
  });

  it.each([
    ['01', 1, 2],
    ['1.', 1, 2],
    ['1.e5', 1, 2],
    ['1e', 1, 2],
    ['1e+', 1, 2],
    ['+1', 1, 1],
    ['[1,]', 1, 4],
    ['[,1]', 1, 2],
    ['{"a" 1}', 1, 6],
    ['{,}', 1, 2],
    ['{"a":1 "b":2}', 1, 8],
    ['"\u001f"', 1, 2],
    ['"abc', 1, 5],
    ['"\\u12"', 1, 6],
    ['nul', 1, 4],
    ['fals', 1, 5],
    ['[true false]', 1, 7],
    [' ', 1, 2],
    ['x', 1, 1],
  ])('%j breaks at line %i, column %i (more of the grammar)', (text, line, column) => {
    expect(() => JSON.parse(text)).toThrow();
    expect(jsonErrorPosition(text)).toEqual({ line, column });
  });
});
