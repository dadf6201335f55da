import { quote } from './exports.js';

/** What completion knows about a command: its flags, and whether its first argument is a profile. */
export interface CompletedCommand {
  id: string;
  flags: string[];
  takesProfile: boolean;
}

export type CompletionShell = 'bash' | 'zsh' | 'fish';
export const COMPLETION_SHELLS: CompletionShell[] = ['bash', 'zsh', 'fish'];

export interface CompletionInput {
  bins: string[];
  commands: CompletedCommand[];
  /** The command line that prints cached profile names (no network), already quoted for a shell. */
  profilesCommand: string;
}

/**
 * A completion script: commands, each command's flags, and profile names for the target argument,
 * which the script asks the CLI for (from the credential cache) when Tab is pressed.
 */
export function completionScript(shell: CompletionShell, input: CompletionInput): string {
  return shell === 'fish' ? fishScript(input) : bashScript(input, shell === 'zsh');
}

function bashScript(input: CompletionInput, zsh: boolean): string {
  const ids = input.commands.map((c) => c.id).join(' ');
  const targets = input.commands.filter((c) => c.takesProfile).map((c) => c.id);
  return [
    '# okta-aws completion (bash)',
    ...(zsh ? ['autoload -U +X bashcompinit && bashcompinit'] : []),
    '_okta_aws_complete() {',
    '  local cur="${COMP_WORDS[COMP_CWORD]}" command="${COMP_WORDS[1]}" flags=""',
    '  COMPREPLY=()',
    '  if [ "$COMP_CWORD" -eq 1 ]; then',
    `    COMPREPLY=($(compgen -W "${ids}" -- "$cur"))`,
    '    return',
    '  fi',
    // $((…)): zsh reads a length that starts with a letter (`:1:COMP_CWORD-1`) as a modifier and fails.
    '  local w; for w in "${COMP_WORDS[@]:1:$((COMP_CWORD - 1))}"; do [ "$w" = "--" ] && return; done',
    '  case "$command" in',
    ...input.commands.map((c) => `    ${c.id}) flags="${c.flags.join(' ')}" ;;`),
    '  esac',
    '  if [[ "$cur" == -* ]]; then',
    '    COMPREPLY=($(compgen -W "$flags" -- "$cur"))',
    ...(targets.length > 0
      ? [`  elif [ "$COMP_CWORD" -eq 2 ] && [[ " ${targets.join(' ')} " == *" $command "* ]]; then`, `    COMPREPLY=($(compgen -W "$(${input.profilesCommand} 2>/dev/null)" -- "$cur"))`]
      : []),
    '  fi',
    '}',
    `complete -o default -F _okta_aws_complete ${input.bins.join(' ')}`,
    '',
  ].join('\n');
}

function fishScript(input: CompletionInput): string {
  const lines = ['# okta-aws completion (fish)'];
  const targets = input.commands.filter((c) => c.takesProfile).map((c) => c.id);
  for (const bin of input.bins) {
    lines.push(`complete -c ${bin} -f -n __fish_use_subcommand -a '${input.commands.map((c) => c.id).join(' ')}'`);
    for (const command of input.commands) {
      for (const flag of command.flags) lines.push(`complete -c ${bin} -f -n '__fish_seen_subcommand_from ${command.id}' -l ${flag.replace(/^--/, '')}`);
    }
    // The command is already quoted for fish; inside -a '…' its quotes must be escaped once more,
    // or a path with a space splits the argument.
    if (targets.length > 0) lines.push(`complete -c ${bin} -f -n '__fish_seen_subcommand_from ${targets.join(' ')}' -a ${quote(`(${input.profilesCommand} 2>/dev/null)`, 'fish')}`);
  }
  return `${lines.join('\n')}\n`;
}

/** How to install it, the way oclif's autocomplete plugin says it. */
export function installHint(shell: CompletionShell, bin: string): string {
  switch (shell) {
    case 'bash':
      return `Add this line to ~/.bashrc, then open a new shell:\n  eval "$(${bin} autocomplete bash --script)"\n`;
    case 'zsh':
      return `Add this line to ~/.zshrc (after compinit), then open a new shell:\n  eval "$(${bin} autocomplete zsh --script)"\n`;
    case 'fish':
      return `Run once, then open a new shell:\n  ${bin} autocomplete fish --script > ~/.config/fish/completions/${bin}.fish\n`;
  }
}
