import { Command, CommanderError } from 'commander';
import { registerCalls } from './commands/calls';
import { registerIngest } from './commands/ingest';
import { registerReconcile } from './commands/reconcile';
import { registerRerate } from './commands/rerate';
import { registerStatement } from './commands/statement';
import { registerTariffs } from './commands/tariffs';
import { MeisaiError } from '../errors';
import { createLogger } from './logger';
import { Io } from './options';

export type { Io } from './options';

/** The command line: each command lives in `commands/`, registered here. */
export function buildProgram(io: Io): Command {
  const program = new Command('meisai')
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .description('Rating and billing of 050 IP-phone CDRs: the monthly usage statement (ご利用明細).')
    .showHelpAfterError()
    .exitOverride();
  registerIngest(program, io);
  registerStatement(program, io);
  registerCalls(program, io);
  registerTariffs(program, io);
  registerRerate(program, io);
  registerReconcile(program, io);
  return program;
}

const PROCESS_IO: Io = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  stdoutBytes: (bytes) => process.stdout.write(bytes),
};

/** Runs the command line and returns the exit code; never lets a stack trace reach the user. */
export async function main(argv: string[], io: Io = PROCESS_IO): Promise<number> {
  const program = buildProgram(io);
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 || error.code === 'commander.helpDisplayed' || error.code === 'commander.version' ? 0 : 2;
    }
    if (error instanceof MeisaiError) {
      io.stderr(`meisai: ${error.message}\n`);
      return error.exitCode;
    }
    io.stderr(`meisai: unexpected failure: ${(error as Error).message}\n`);
    createLogger().error({ err: error }, 'unexpected failure');
    return 1;
  }
}
