import { Command, Option } from 'commander';
import { InputEncoding } from '../../input/csvRecords';
import { listInbox } from '../../ingest/inbox';
import { ingestFiles, IngestRun } from '../../ingest/ingestRun';
import { formatRunSummary, summariseRun } from '../../ingest/runSummary';
import { loadReferenceData } from '../../reference/referenceData';
import { loadProfile } from '../../reference/inputProfiles';
import { InputProfile } from '../../input/profile';
import { basename } from 'node:path';
import { ConfigurationError, RunFailedError } from '../../errors';
import { createLogger, logFailure } from '../logger';
import { createIngestProgress } from '../progress';
import { withStoredSubscriptions } from '../../store/storedSubscriptions';
import { dbOption, Io, requireMatch, withWriterStore } from '../options';

interface IngestCommandOptions {
  inbox?: string;
  db?: string;
  encoding?: InputEncoding;
  source?: string;
  json?: boolean;
  maxRejectRate?: string;
  followSymlinks?: boolean;
  profile?: string;
  inboxProfile?: string[];
}

export function registerIngest(program: Command, io: Io): void {
  program
    .command('ingest')
    .description('Read CDR files into the store: validate, de-duplicate, classify, rate, total.')
    .argument('[files...]', 'CDR CSV files')
    .option('--inbox <dir>', 'take every file of this folder, by name (files already ingested are skipped)')
    .option('--follow-symlinks', 'in --inbox, also follow symlinks to files outside the folder')
    .addOption(dbOption())
    .addOption(new Option('--encoding <encoding>', 'input encoding (default: detect)').choices(['utf8', 'cp932']))
    .option('--source <name>', 'where the files came from, recorded with each file')
    .option(
      '--profile <name|file>',
      'read the files with this input profile (data/profiles/NAME.json or a file; default: the canonical CSV)',
    )
    .option(
      '--inbox-profile <pattern=profile>',
      'in --inbox, read the files whose name matches the glob (* and ?) with this profile; repeatable, the first match wins, others take --profile',
      collectOption,
      [],
    )
    .option('--json', 'print the run summary as one JSON object')
    .option(
      '--max-reject-rate <share>',
      'refuse a file (nothing of it applied, exit 1) whose rejected share exceeds this, e.g. 0.05',
      shareOption,
    )
    .action(async (files: string[], options: IngestCommandOptions) => {
      if (files.length === 0 && options.inbox === undefined)
        throw new ConfigurationError('ingest needs files or --inbox DIR');
      if ((options.inboxProfile ?? []).length > 0 && options.inbox === undefined)
        throw new ConfigurationError('--inbox-profile needs --inbox DIR');
      const inbox =
        options.inbox === undefined
          ? { files: [], skipped: [] }
          : listInbox(options.inbox, { followSymlinks: options.followSymlinks === true });
      const paths = [...files, ...inbox.files];
      const logger = createLogger();
      const reference = loadReferenceData();
      // Every profile is loaded and checked before the store is opened: a bad profile is bad configuration (exit 2).
      const defaultProfile = options.profile === undefined ? undefined : loadProfile(options.profile);
      const inboxProfiles = (options.inboxProfile ?? []).map(parseInboxProfile);
      const inboxFiles = new Set(inbox.files);
      const profileFor = (path: string): InputProfile | undefined =>
        (inboxFiles.has(path) ? inboxProfiles.find((rule) => rule.pattern.test(basename(path)))?.profile : undefined) ??
        defaultProfile;
      const failures: string[] = [];
      for (const { path, reason } of inbox.skipped) {
        const message = `${path}: skipped: ${reason}`;
        failures.push(message);
        logFailure(logger, { event: 'inbox-entry-skipped', file: path }, message);
      }
      const progress = createIngestProgress();
      /** The run's summary, printed for the files applied even when the store stops the run at a later one (cron's runs.jsonl gets it). */
      const report = (run: IngestRun): void => {
        const summary = summariseRun(
          run.summaries,
          failures.length + run.failures.length + (run.stoppedBy === undefined ? 0 : 1),
        );
        logger.info({ event: 'run', ...summary }, 'ingest finished');
        io.stdout(options.json ? `${JSON.stringify(summary)}\n` : formatRunSummary(summary));
      };
      const run = await withWriterStore(options.db, 'ingest', async (store) => {
        let applied: IngestRun;
        try {
          applied = await ingestFiles(
            store,
            await withStoredSubscriptions(store, reference),
            paths,
            {
              encoding: options.encoding,
              source: options.source,
              maxRejectRate: options.maxRejectRate,
              onProgress: progress.update,
            },
            profileFor,
            {
              applied: (summary) =>
                logger.info(
                  { event: 'file', ...summary },
                  summary.alreadyIngested ? 'already ingested, skipped' : 'file applied',
                ),
              refused: (path, message) => logFailure(logger, { event: 'file-refused', file: path }, message),
              raced: (path, message) =>
                logger.warn({ event: 'file-raced', file: path }, `${message}; applying it again`),
            },
          );
        } finally {
          progress.stop();
        }
        if (applied.stoppedBy !== undefined) {
          // Said inside the store's scope, so the failure that follows is mapped (exit code, one line) as any other.
          report(applied);
          throw applied.stoppedBy;
        }
        return applied;
      });
      report(run);
      failures.push(...run.failures);
      if (failures.length > 0) throw new RunFailedError(failures.join('\n'));
    });
}

/** A share between 0 and 1 as written (`0.05`), kept as text for exact comparison. */
function shareOption(value: string): string {
  return requireMatch(value, /^(0(\.\d+)?|1(\.0+)?)$/, '--max-reject-rate', 'a share between 0 and 1, e.g. 0.05');
}

function collectOption(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** `Master*.csv=asterisk-cdr-csv`: a glob on the file's name (`*` any run, `?` one character) and a profile. */
function parseInboxProfile(rule: string): { pattern: RegExp; profile: InputProfile } {
  const separator = rule.lastIndexOf('=');
  if (separator <= 0 || separator === rule.length - 1) {
    throw new ConfigurationError(
      `--inbox-profile "${rule}" is not valid: expected PATTERN=PROFILE, e.g. Master*.csv=asterisk-cdr-csv`,
    );
  }
  const glob = rule.slice(0, separator);
  const source = glob
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return { pattern: new RegExp(`^${source}$`), profile: loadProfile(rule.slice(separator + 1)) };
}
