/** Shell completion scripts made from the command tree: subcommands, then each command's options. */
import type { Command } from 'commander';

interface Node {
  path: string[];
  subcommands: string[];
  options: string[];
}

function walk(command: Command, path: string[] = [], out: Node[] = []): Node[] {
  const options = command.options.flatMap((o) => [o.long, o.short].filter((f): f is string => !!f));
  out.push({ path, subcommands: command.commands.map((c) => c.name()), options: [...options, '--help'] });
  for (const sub of command.commands) walk(sub, [...path, sub.name()], out);
  return out;
}

/** bash: `eval "$(ecaffe completion bash)"`. */
export function bashCompletion(program: Command): string {
  const globals = program.options.flatMap((o) => [o.long, o.short].filter(Boolean)).join(' ');
  const cases = walk(program)
    .map((n) => `    "${n.path.join(' ')}") words="${[...n.subcommands, ...n.options].join(' ')}" ;;`)
    .join('\n');
  return `# ecaffe completion for bash: eval "$(ecaffe completion bash)"
_ecaffe() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" path="" word i
  for ((i = 1; i < COMP_CWORD; i++)); do
    word="\${COMP_WORDS[i]}"
    [[ "$word" == -* ]] && continue
    case "$path\${path:+ }$word" in
${walk(program)
  .filter((n) => n.path.length)
  .map((n) => `      "${n.path.join(' ')}") path="${n.path.join(' ')}" ;;`)
  .join('\n')}
    esac
  done
  local words
  case "$path" in
${cases}
  esac
  if [[ "$cur" == -* ]]; then words="$words ${globals}"; fi
  COMPREPLY=($(compgen -W "$words" -- "$cur"))
  [[ \${#COMPREPLY[@]} -eq 0 ]] && COMPREPLY=($(compgen -f -- "$cur"))
  return 0
}
complete -F _ecaffe ecaffe
`;
}

/** zsh: `eval "$(ecaffe completion zsh)"` (uses bash's through bashcompinit). */
export function zshCompletion(program: Command): string {
  return `# ecaffe completion for zsh: eval "$(ecaffe completion zsh)"
autoload -U +X compinit && compinit
autoload -U +X bashcompinit && bashcompinit
${bashCompletion(program).replace(/^# .*\n/, '')}`;
}
