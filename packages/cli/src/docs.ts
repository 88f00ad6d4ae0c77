/** docs/CLI.md, written from the command definitions (program.ts) by `npm run docs:cli`. */
import type { Command } from 'commander';

const escapePipes = (text: string) => text.replace(/\|/g, '\\|');

function section(command: Command, names: string[]): string {
  const help = command.createHelp();
  const lines = [
    `### \`${['ecaffe', ...names].join(' ')}\``,
    '',
    command.description(),
    '',
    '```',
    help.commandUsage(command),
    '```',
    '',
  ];
  const args = help.visibleArguments(command);
  if (args.length)
    lines.push(
      '| Argument | |',
      '|---|---|',
      ...args.map((a) => `| \`${help.argumentTerm(a)}\` | ${escapePipes(help.argumentDescription(a))} |`),
      '',
    );
  const options = help.visibleOptions(command).filter((o) => o.long !== '--help');
  if (options.length)
    lines.push(
      '| Option | |',
      '|---|---|',
      ...options.map((o) => `| \`${escapePipes(help.optionTerm(o))}\` | ${escapePipes(help.optionDescription(o))} |`),
      '',
    );
  return lines.join('\n');
}

function walk(command: Command, names: string[], out: string[]): void {
  for (const sub of command.commands) {
    const path = [...names, sub.name()];
    if (sub.commands.length) {
      out.push(`## \`ecaffe ${path.join(' ')}\` — ${sub.description()}`, '');
      walk(sub, path, out);
    } else out.push(section(sub, path));
  }
}

export function cliReference(program: Command): string {
  const help = program.createHelp();
  const globals = help.visibleOptions(program).filter((o) => !['--help', '--version'].includes(o.long ?? ''));
  const out = [
    '# `ecaffe` command reference',
    '',
    '<!-- Generated from packages/cli/src/program.ts by `npm run docs:cli`; ' +
      'a test fails when it is stale. Do not edit. -->',
    '',
    program.description(),
    '',
    'Run it as `npx ecaffe …` in a clone after `npm ci` ' +
      '(or put `node_modules/.bin` on your PATH, or `npm link -w packages/cli`).',
    '',
    '## Global options',
    '',
    '| Option | |',
    '|---|---|',
    ...globals.map((o) => `| \`${escapePipes(help.optionTerm(o))}\` | ${escapePipes(help.optionDescription(o))} |`),
    '',
    "Without `--endpoint`, the profile's endpoint is used, else `http://127.0.0.1:3000`. Profiles and",
    'Cognito tokens are kept under `~/.config/elastic-caffe` (`$XDG_CONFIG_HOME/elastic-caffe`, or',
    '`ECAFFE_CONFIG_DIR`), readable by you only.',
    '',
    '## Exit codes',
    '',
    '| Code | Meaning |',
    '|---|---|',
    '| 0 | success |',
    '| 1 | the API refused the request or could not be reached |',
    '| 2 | usage error (unknown option, missing argument, a file that does not exist) |',
    '| 3 | the job, dataset, datafile, sweep or classify job ended failed or cancelled |',
    '| 130 | interrupted by Ctrl-C (whether the job was then cancelled or left running) |',
    '| 141 | the reader of stdout closed it (`ecaffe … \\| head`): the command stops as on Ctrl-C, ' +
      'without a stack trace (an upload is left resumable or removed, a job runs on) |',
    '',
    '## Output',
    '',
    'On a terminal, lists print as tables, uploads show progress bars and a followed job one live',
    'status line. A followed sweep (`sweeps create`, `sweeps watch`) redraws a leaderboard in place on a',
    'terminal and prints a line per change otherwise. With `--json` stdout holds only JSON: one document',
    'for a one-shot command, one line per update for anything that follows (`train`, `jobs watch`,',
    '`jobs logs -f`, `sweeps create`, `sweeps watch`) with the final record last; messages always go to',
    'stderr.',
    '',
  ];
  walk(program, [], out);
  return `${out
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trimEnd()}\n`;
}
