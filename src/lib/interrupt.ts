/**
 * Undo work held open at a server when the user interrupts (Ctrl-C, SIGTERM, SIGHUP). bin/run.js
 * owns the signals: it emits this event with an array, waits (bounded) for the promises pushed into
 * it, then prints its one line and exits. Plain modules register here instead of on the signals.
 */
export const INTERRUPT_EVENT = 'okta-aws:interrupt';

/** While registered, an interrupt runs `undo` before the process exits; returns the unregister. */
export function onInterrupt(undo: () => Promise<void>): () => void {
  const listener = (waits: Promise<unknown>[]) => {
    waits.push(undo());
  };
  process.on(INTERRUPT_EVENT, listener);
  return () => {
    process.off(INTERRUPT_EVENT, listener);
  };
}
