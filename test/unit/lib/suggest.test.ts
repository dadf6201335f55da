import { describe, expect, it } from 'vitest';
import { closest, distance } from '../../../src/lib/suggest.js';

describe('distance (optimal string alignment)', () => {
  it.each([
    ['', '', 0],
    ['', 'abc', 3],
    ['abc', '', 3],
    ['abc', 'abc', 0],
    ['kitten', 'sitting', 3],
    ['flaw', 'lawn', 2],
    ['ab', 'ba', 1],
    ['abcd', 'acbd', 1],
    ['ca', 'abc', 3], // a swap is not edited again: true Damerau-Levenshtein would say 2
    ['roles', 'rloes', 1],
    ['refresh', 'rfresh', 1],
    ['refresh', 'refreshh', 1],
  ])('%j to %j costs %i', (a, b, cost) => {
    expect(distance(a, b)).toBe(cost);
    expect(distance(b, a)).toBe(cost);
  });
});

describe('closest', () => {
  it('finds the command a typo meant, ignoring case', () => {
    expect(closest('rols', ['refresh', 'roles'])).toBe('roles');
    expect(closest('ROLS', ['refresh', 'roles'])).toBe('roles');
    expect(closest('oles', ['roles'])).toBe('roles');
  });

  it('counts swapped neighbours as one typo', () => {
    expect(closest('rloes', ['rxyes', 'roles'])).toBe('roles');
  });

  it('takes a prefix of three or more letters as meaning the command it starts', () => {
    expect(closest('ref', ['roles', 'refresh'])).toBe('refresh');
    expect(closest('re', ['refresh'])).toBeUndefined();
  });

  it('allows a third of the word, at least 2 edits, and keeps the first of equals', () => {
    expect(closest('xy', ['ab'])).toBe('ab');
    expect(closest('xyz', ['abc'])).toBeUndefined();
    expect(closest('abcdefghi', ['abcdefxyz'])).toBe('abcdefxyz');
    expect(closest('abcdefghi', ['abcdewxyz'])).toBeUndefined();
    expect(closest('abcdefghijkl', ['abcdefghwxyz'])).toBe('abcdefghwxyz');
    expect(closest('rol', ['role', 'roll'])).toBe('role');
    expect(closest('abcdefghi', ['abcdefgzz', 'abcdefghz'])).toBe('abcdefghz');
    expect(closest('anything', [])).toBeUndefined();
  });
});
