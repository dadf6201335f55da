/**
 * How progress is drawn, decided from stderr (where progress goes), never from stdout: `refresh
 * >/dev/null` on a terminal still animates, and `refresh 2>log` writes no colour codes into the log.
 */
export interface StderrStyle {
  /** Redraw in place (spinners, countdowns): stderr is a terminal that can move the cursor. */
  animated: boolean;
  colour: boolean;
}

export function stderrStyle(env: NodeJS.ProcessEnv = process.env, stream: { isTTY?: boolean } = process.stderr): StderrStyle {
  const tty = stream.isTTY === true;
  const dumb = env.TERM === 'dumb';
  return { animated: tty && !dumb, colour: wantsColour(env, tty && !dumb) };
}

/** https://no-color.org and https://force-color.org: NO_COLOR wins, then FORCE_COLOR, then the terminal. */
function wantsColour(env: NodeJS.ProcessEnv, capable: boolean): boolean {
  if (env.NO_COLOR) return false;
  if (env.FORCE_COLOR !== undefined) return env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false';
  return capable;
}

/** Columns to fit output into; undefined when stdout is not a terminal (no fitting at all). */
export function stdoutColumns(stream: { isTTY?: boolean; columns?: number } = process.stdout): number | undefined {
  return stream.isTTY ? stream.columns || 80 : undefined;
}
