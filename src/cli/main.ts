import { Command, CommanderError, Option } from 'commander';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { InputEncoding } from '../input/csvRecords';
import { FileSummary, ingestFile } from '../ingest/ingestFile';
import { formatRunSummary, summariseRun } from '../ingest/runSummary';
import { checkReferenceFile, DEFAULT_DATA_DIR, loadReferenceData } from '../reference/referenceData';
import { loadStatement } from '../statement/loadStatement';
import { renderCsv } from '../statement/renderCsv';
import { renderHtml } from '../statement/renderHtml';
import { renderText } from '../statement/renderText';
import { openStore, readStatementMonths } from '../store/store';
import { ConfigurationError, MeisaiError, RunFailedError } from './errors';
import { createLogger } from './logger';

const CONTRACT = /^N\d{9}$/;
const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

function dbOption(): Option {
  return new Option('--db <path>', 'SQLite store (default: $MEISAI_DB or data/meisai.sqlite)');
}

function requireMatch(value: string, pattern: RegExp, what: string): string {
  if (!pattern.test(value)) throw new ConfigurationError(`${what} "${value}" is not valid`);
  return value;
}

export function buildProgram(io: Io): Command {
  const write = io.stdout;
  const program = new Command('meisai')
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .description('Rating and billing of 050 IP-phone CDRs: the monthly usage statement (ご利用明細).')
    .showHelpAfterError()
    .exitOverride();

  program
    .command('ingest')
    .description('Read CDR files into the store: validate, de-duplicate, classify, rate, total.')
    .argument('[files...]', 'CDR CSV files')
    .option('--inbox <dir>', 'take every file of this folder, by name (files already ingested are skipped)')
    .addOption(dbOption())
    .addOption(new Option('--encoding <encoding>', 'input encoding (default: detect)').choices(['utf8', 'cp932']))
    .option('--source <name>', 'where the files came from, recorded with each file')
    .option('--json', 'print the run summary as one JSON object')
    .action(async (files: string[], options: { inbox?: string; db?: string; encoding?: InputEncoding; source?: string; json?: boolean }) => {
      const paths = [...files, ...(options.inbox === undefined ? [] : inboxFiles(options.inbox))];
      if (paths.length === 0) throw new ConfigurationError('ingest needs files or --inbox DIR');
      const logger = createLogger();
      const reference = loadReferenceData();
      const db = openStore(options.db);
      const summaries: FileSummary[] = [];
      const failures: string[] = [];
      try {
        for (const path of paths) {
          try {
            const summary = await ingestFile(db, reference, path, { encoding: options.encoding, source: options.source });
            summaries.push(summary);
            logger.info({ event: 'file', ...summary }, summary.alreadyIngested ? 'already ingested, skipped' : 'file applied');
          } catch (error) {
            if (!(error instanceof RunFailedError)) throw error;
            failures.push(error.message);
            logger.error({ event: 'file-refused', file: path }, error.message);
          }
        }
      } finally {
        db.close();
      }
      const summary = summariseRun(summaries, failures.length);
      logger.info({ event: 'run', ...summary }, 'ingest finished');
      write(options.json ? `${JSON.stringify(summary)}\n` : formatRunSummary(summary));
      if (failures.length > 0) throw new RunFailedError(failures.join('\n'));
    });

  program
    .command('statement')
    .description('Print the usage statement of a contract and month.')
    .requiredOption('--contract <id>', 'contract id, e.g. N000000001')
    .requiredOption('--month <YYYY-MM>', 'statement month (Japan time)')
    .option('--number <number>', 'only this 050 number')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json', 'csv', 'html']).default('text'))
    .addOption(dbOption())
    .action((options: { contract: string; month: string; number?: string; format: string; db?: string }) => {
      const contractId = requireMatch(options.contract, CONTRACT, 'contract');
      const month = requireMatch(options.month, MONTH, 'month');
      const number = options.number === undefined ? undefined : requireMatch(options.number.replace(/-/g, ''), /^050\d{8}$/, 'number');
      const reference = loadReferenceData();
      const db = openStore(options.db);
      try {
        const statement = loadStatement(db, reference, { contractId, month, number });
        const renderers: Record<string, () => string> = {
          text: () => renderText(statement),
          json: () => `${JSON.stringify(statement, null, 2)}\n`,
          csv: () => renderCsv(statement),
          html: () => renderHtml(statement),
        };
        write(renderers[options.format]!());
      } finally {
        db.close();
      }
    });

  program
    .command('months')
    .description('Months with a statement for a contract, newest first.')
    .requiredOption('--contract <id>', 'contract id')
    .addOption(dbOption())
    .action((options: { contract: string; db?: string }) => {
      const db = openStore(options.db);
      try {
        const months = readStatementMonths(db, requireMatch(options.contract, CONTRACT, 'contract'));
        write(months.map((month) => `${month}\n`).join(''));
      } finally {
        db.close();
      }
    });

  const tariffs = program.command('tariffs').description('Tariff and numbering plan files.');
  tariffs
    .command('check')
    .description('Validate tariff and numbering files against schemas/ (default: all of data/).')
    .argument('[files...]', 'files to check')
    .action((files: string[]) => {
      if (files.length === 0) {
        const reference = loadReferenceData();
        const dataDir = process.env.MEISAI_DATA_DIR ?? DEFAULT_DATA_DIR;
        for (const version of reference.tariffs.versions) write(`ok  tariff ${version.id} (from ${version.file.effectiveFrom})\n`);
        write(`ok  numbering plan ${reference.numbering.id}\n`);
        write(`all reference data in ${dataDir} is valid\n`);
        return;
      }
      for (const file of files) write(`ok  ${checkReferenceFile(file)} ${file}\n`);
    });

  return program;
}

function inboxFiles(directory: string): string[] {
  let names: string[];
  try {
    names = readdirSync(directory);
  } catch (error) {
    throw new ConfigurationError(`cannot read the inbox ${directory}: ${(error as NodeJS.ErrnoException).code ?? ''}`);
  }
  return names
    .filter((name) => !name.startsWith('.'))
    .sort()
    .map((name) => join(directory, name))
    .filter((path) => statSync(path).isFile());
}

export interface Io {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

const PROCESS_IO: Io = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
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
