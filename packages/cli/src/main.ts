/**
 * The `ecaffe` entry (bin/ecaffe.js calls `main`): parses the command line, runs the command, and
 * turns every outcome into an exit code and a message that says what to do next — no stack trace
 * unless --debug.
 */
import { CommanderError, type Command } from 'commander';
import { Cli, CliError, exitCodes } from './cli';
import { buildProgram, type Handler, type Runner } from './program';

let current: Cli | undefined;

const runner: Runner =
  (module, handler) =>
  async (...args) => {
    const command = args.at(-1) as Command;
    const options = args.at(-2) as Record<string, unknown>;
    const positional = (args.slice(0, -2) as Array<string | string[]>).flat();
    current = new Cli(command.optsWithGlobals());
    const loaded = require(`./commands/${module}`) as Record<string, Handler>;
    await loaded[handler]!(current, positional, options, command);
  };

function version(): string {
  return (require('../package.json') as { version: string }).version;
}

/** Message and exit code for anything a command threw. */
function explain(error: unknown, cli: Cli | undefined): { code: number; message: string } {
  const debug = cli?.options.debug === true;
  const sdk = require('@elastic-caffe/sdk') as typeof import('@elastic-caffe/sdk');
  if (error instanceof CliError)
    return { code: error.exitCode, message: `${error.message}${error.hint ? `\n${error.hint}` : ''}` };
  if (error instanceof sdk.ApiError) {
    const { describeRefusal } = require('./output') as typeof import('./output');
    const hint =
      error.status === 401
        ? '\nsign in first: ecaffe login --local --tenant NAME (local system), or ecaffe login (Cognito); ' +
          `endpoint ${cli?.endpoint}`
        : error.status === 403
          ? '\nthis needs an admin (locally: ecaffe login --local --tenant NAME --admin)'
          : error.status === 429 && error.retryAfterSeconds !== undefined
            ? `\ntry again in ${error.retryAfterSeconds} s`
            : '';
    return { code: exitCodes.refused, message: `${describeRefusal(error, cli?.sources ?? new Map())}${hint}` };
  }
  if (error instanceof sdk.NetworkError)
    return {
      code: exitCodes.refused,
      message:
        `${error.message}\nis the endpoint right (--endpoint, ECAFFE_ENDPOINT)? ` +
        'Locally, start the system with: npm start',
    };
  if (error instanceof sdk.RecordFailedError) return { code: exitCodes.failed, message: `error: ${error.message}` };
  if (error instanceof sdk.UploadError)
    return {
      code: error.resumable && sdk.isAbort(error.cause) ? exitCodes.interrupted : exitCodes.refused,
      message: `error: ${error.message}`,
    };
  if (sdk.isAbort(error)) return { code: exitCodes.interrupted, message: 'interrupted' };
  const text = error instanceof Error ? error.message : String(error);
  return {
    code: exitCodes.refused,
    message:
      `error: ${text}` +
      (debug && error instanceof Error && error.stack ? `\n${error.stack}` : '\n(run with --debug for details)'),
  };
}

/** Set once stdout's reader has gone: the exit code is then 141 whatever the command did after. */
let outputClosed = false;

/**
 * A reader that stops reading (`ecaffe jobs logs ID -f --json | head -1`) closes the pipe, and the
 * next write fails with EPIPE. A C tool dies of SIGPIPE there, quietly, and the shell reports 141;
 * Node would print the stream error's stack instead. A command that traps Ctrl-C (an upload, a
 * followed job) stops as on Ctrl-C, so an upload cut short cleans up and a job is left running;
 * any other command just ends.
 */
function stopQuietlyWhenOutputCloses(): void {
  if (process.stdout.listenerCount('error') > 0) return;
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (outputClosed) return; // later writes fail too
    if (error.code !== 'EPIPE') throw error;
    outputClosed = true;
    if (process.listenerCount('SIGINT') > 0) process.emit('SIGINT', 'SIGINT');
    else process.exit(exitCodes.closedOutput);
  });
}

export async function main(argv: string[]): Promise<void> {
  stopQuietlyWhenOutputCloses();
  // The AWS SDK (Cognito, the credential chain) warns about Node 20 on every run; the CLI supports Node 20.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const program = buildProgram(runner, version());
  try {
    await program.parseAsync(argv);
    process.exitCode ??= exitCodes.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and --version end with code 0; anything else commander refused is a usage error (it printed why).
      process.exitCode = error.exitCode === 0 ? exitCodes.ok : exitCodes.usage;
      return;
    }
    const { code, message } = explain(error, current);
    process.stderr.write(`${message}\n`);
    process.exitCode = code;
  } finally {
    if (outputClosed) process.exitCode = exitCodes.closedOutput;
  }
}
