import { expect } from 'vitest';
import { UserError } from '../../src/lib/errors.js';

/** Runs `fn`, which must throw a UserError, and returns it for assertions on message, hint and code. */
export function thrown(fn: () => unknown): UserError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(UserError);
    return error as UserError;
  }
  throw new Error('expected a UserError');
}
