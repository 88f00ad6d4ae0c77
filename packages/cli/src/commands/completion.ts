/** `ecaffe completion bash|zsh`. */
import type { Command } from 'commander';
import type { Cli } from '../cli';
import { bashCompletion, zshCompletion } from '../completion';

export async function completion(cli: Cli, [shell]: string[], _options: unknown, command: Command): Promise<void> {
  const program = command.parent!;
  cli.print(shell === 'zsh' ? zshCompletion(program) : bashCompletion(program));
}
