import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base-command.js';
import { cachedProfileNames } from '../services/roles.js';
import { COMPLETION_SHELLS, type CompletionShell, completionScript, installHint } from '../shell/completion.js';
import { detectShell, quote } from '../shell/exports.js';

export default class Autocomplete extends BaseCommand {
  static override summary = 'Set up Tab completion for bash, zsh or fish: commands, flags and your profile names.';
  static override description =
    'Prints how to install it; --script prints the script itself. Profile names come from the credential cache (no network), so they appear after the first `okta-aws refresh`.';

  static override examples = ['<%= config.bin %> autocomplete', '<%= config.bin %> autocomplete zsh', 'eval "$(<%= config.bin %> autocomplete bash --script)"'];

  static override args = {
    shell: Args.string({ description: 'bash, zsh or fish (default: from $SHELL).', options: [...COMPLETION_SHELLS] }),
  };

  static override flags = {
    script: Flags.boolean({ description: 'Print the completion script instead of the install steps.' }),
    profiles: Flags.boolean({ description: 'Print the cached profile names (what the script calls on Tab).', hidden: true }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Autocomplete);
    if (flags.profiles) {
      process.stdout.write((await cachedProfileNames()).map((p) => `${p}\n`).join(''));
      return;
    }
    const detected = detectShell();
    const shell = (args.shell ?? (detected === 'powershell' ? 'bash' : detected)) as CompletionShell;
    if (!flags.script) {
      process.stdout.write(installHint(shell, this.config.bin));
      return;
    }
    const commands = this.config.commands
      // The first word only: sub-commands of topics (plugins install) are left to the topic's own help.
      .filter((c) => !c.hidden && !c.id.includes(':'))
      .map((c) => ({
        id: c.id,
        flags: Object.entries(c.flags)
          .filter(([, f]) => !f.hidden)
          .flatMap(([name, f]) => [`--${name}`, ...(f.type === 'boolean' && f.allowNo ? [`--no-${name}`] : [])]),
        takesProfile: 'target' in c.args || 'profile' in c.args,
      }));
    const profilesCommand = [this.entry.node, this.entry.script, 'autocomplete', '--profiles'].map((w) => quote(w, shell)).join(' ');
    process.stdout.write(completionScript(shell, { bins: [this.config.bin, ...(this.config.binAliases ?? [])], commands, profilesCommand }));
  }
}
