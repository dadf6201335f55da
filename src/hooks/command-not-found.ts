import type { Hook } from '@oclif/core';
import { closest } from '../lib/suggest.js';

/** An unknown command: one line in the tool's style, the closest command when there is one, exit 2. */
const hook: Hook<'command_not_found'> = async function ({ id, config }) {
  const word = id.split(':').join(' ');
  const commands = config.commands.filter((c) => !c.hidden).map((c) => c.id.split(':').join(' '));
  const guess = closest(word, commands);
  const topLevel = commands.filter((c) => !c.includes(' ')).sort();
  const next = guess ? `Did you mean \`${config.bin} ${guess}\`?` : `Commands: ${topLevel.join(', ')}.`;
  process.stderr.write(`${config.bin}: no command "${word}". ${next} See \`${config.bin} --help\`.\n`);
  process.exitCode = 2;
};

export default hook;
