/** The termination signals bin/run.js answers with "interrupted; exit". */
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/**
 * Captures the signal listeners installed now (bin/run.js's) and returns what removes exactly those.
 * Call it, install the new listeners, then call the result: removing every listener first would stop
 * Node watching the signal for a moment, and a signal arriving then is lost.
 */
export function takeOverSignals(): () => void {
  const previous = SIGNALS.map((signal) => [signal, process.listeners(signal)] as const);
  return () => {
    for (const [signal, listeners] of previous) for (const listener of listeners) process.off(signal, listener);
  };
}

/** Resolves with the first termination signal received from now on. */
export function nextSignal(): Promise<NodeJS.Signals> {
  const release = takeOverSignals();
  const received = new Promise<NodeJS.Signals>((resolve) => {
    for (const signal of SIGNALS) process.once(signal, () => resolve(signal));
  });
  release();
  return received;
}
