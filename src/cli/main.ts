import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command, CommanderError } from 'commander';
import { registerBill } from './commands/bill';
import { registerCalls } from './commands/calls';
import { registerCustomers } from './commands/customers';
import { registerIngest } from './commands/ingest';
import { registerListings } from './commands/listings';
import { registerMigrate } from './commands/migrate';
import { registerProfiles } from './commands/profiles';
import { registerReconcile } from './commands/reconcile';
import { registerRerate } from './commands/rerate';
import { registerQuote } from './commands/quote';
import { registerRecycle } from './commands/recycle';
import { registerRejects } from './commands/rejects';
import { registerServe } from './commands/serve';
import { registerStatement } from './commands/statement';
import { registerSubscriptions } from './commands/subscriptions';
import { registerTariffs } from './commands/tariffs';
import { MeisaiError } from '../errors';
import { createFailureLogger, logFailure, logFormat, logLevel } from './logger';
import { Io } from './options';
import { stopProgressBars } from './progress';

export type { Io } from './options';

/** The version of package.json (src/cli and dist/cli both sit two folders below it). */
export function meisaiVersion(): string {
  return (JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version: string }).version;
}

/** The command line: each command lives in `commands/`, registered here. */
export function buildProgram(io: Io, writeCommanderErr: (text: string) => void = io.stderr): Command {
  const program = new Command('meisai')
    .configureOutput({
      writeOut: io.stdout,
      writeErr: writeCommanderErr,
      // Usage errors too end in one plain line `meisai: …`, like every other failure.
      outputError: (text, write) => write(`meisai: ${oneLine(text.replace(/^error: /, ''))} (see --help)\n`),
    })
    .description('Rating and billing of 050 IP-phone CDRs: the monthly usage statement (ご利用明細).')
    .version(meisaiVersion(), '-V, --version', 'print the version')
    .exitOverride()
    .hook('preAction', () => {
      logLevel(); // a bad MEISAI_LOG_LEVEL or MEISAI_LOG_FORMAT is bad configuration, whatever the command
      logFormat();
    });
  registerIngest(program, io);
  registerStatement(program, io);
  registerCalls(program, io);
  registerTariffs(program, io);
  registerSubscriptions(program, io);
  registerCustomers(program, io);
  registerBill(program, io);
  registerQuote(program, io);
  registerRejects(program, io);
  registerListings(program, io);
  registerRecycle(program, io);
  registerProfiles(program, io);
  registerRerate(program, io);
  registerReconcile(program, io);
  registerMigrate(program, io);
  registerServe(program, io);
  return program;
}

/** A message on one line: the lines of a multi-line message joined with "; " (after a line ending in ":", with a space: `file: $.rates[0] …`). */
export function oneLine(text: string): string {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .reduce((joined, line) => (joined === '' ? line : `${joined}${joined.endsWith(':') ? ' ' : '; '}${line}`), '');
}

let processIo: Io | null = null;

/**
 * The real stdout and stderr. A reader that goes away (`meisai calls … | head -3`) makes the next
 * write fail with EPIPE, emitted on the stream: that is the end of the output, not a failure, so
 * the rest is dropped and the run ends as it would have (a `close` has committed before it prints).
 */
function realIo(): Io {
  if (processIo !== null) return processIo;
  let stdoutGone = false;
  let stderrGone = false;
  const isClosedPipe = (error: NodeJS.ErrnoException): boolean =>
    error.code === 'EPIPE' || error.code === 'ERR_STREAM_DESTROYED';
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (isClosedPipe(error)) {
      stdoutGone = true;
      return;
    }
    stdoutGone = true;
    if (!stderrGone) process.stderr.write(`meisai: cannot write the output: ${error.code ?? error.message}\n`);
    process.exitCode = 1;
  });
  process.stderr.on('error', () => {
    stderrGone = true;
  });
  processIo = {
    stdout: (text) => {
      if (!stdoutGone) process.stdout.write(text);
    },
    stderr: (text) => {
      if (!stderrGone) process.stderr.write(text);
    },
    stdoutBytes: (bytes) => {
      if (!stdoutGone) process.stdout.write(bytes);
    },
  };
  return processIo;
}

/**
 * Runs the command line and returns the exit code; never lets a stack trace reach the user. On
 * failure stderr ends with exactly one plain line, `meisai: <message>`, after any JSON log lines.
 */
export async function main(argv: string[], io: Io = realIo()): Promise<number> {
  // What commander itself writes on stderr (its usage errors, the help it shows for a missing
  // command) is held until the end, so that a usage error too ends in one plain line.
  let commanderStderr = '';
  const program = buildProgram(io, (text) => (commanderStderr += text));
  try {
    await program.parseAsync(argv);
    if (commanderStderr !== '') io.stderr(commanderStderr);
    return 0;
  } catch (error) {
    stopProgressBars(); // a run that failed half-way gives the terminal back before it says why
    if (error instanceof CommanderError) {
      if (error.code === 'commander.help' && error.exitCode !== 0) {
        // No command given (`meisai`, `meisai tariffs`): say so in one line instead of the help.
        const command = argv
          .slice(2)
          .filter((arg) => !arg.startsWith('-'))
          .join(' ');
        io.stderr(
          `meisai: ${command === '' ? '' : `${command}: `}a command is needed (see ${['meisai', command].filter(Boolean).join(' ')} --help)\n`,
        );
        return 2;
      }
      if (commanderStderr !== '') io.stderr(commanderStderr);
      return error.exitCode === 0 || error.code === 'commander.helpDisplayed' || error.code === 'commander.version'
        ? 0
        : 2;
    }
    if (commanderStderr !== '') io.stderr(commanderStderr);
    if (error instanceof MeisaiError) {
      io.stderr(`meisai: ${oneLine(error.message)}\n`);
      return error.exitCode;
    }
    const { name, message, code } = (
      error instanceof Error ? error : new Error(String(error))
    ) as NodeJS.ErrnoException;
    // The log names the error, not its stack: no stack trace reaches the operator.
    logFailure(createFailureLogger(), { err: { type: name, message, code } }, 'unexpected failure');
    io.stderr(`meisai: unexpected failure: ${oneLine(message)}\n`);
    return 1;
  }
}
