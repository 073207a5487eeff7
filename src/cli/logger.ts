import pino from 'pino';
import { ConfigurationError } from '../errors';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** MEISAI_LOG_LEVEL (unset or empty: info); another value is bad configuration (exit 2), said in one line. */
export function logLevel(): string {
  const level = process.env.MEISAI_LOG_LEVEL || 'info';
  if (!(LOG_LEVELS as readonly string[]).includes(level)) {
    throw new ConfigurationError(`MEISAI_LOG_LEVEL "${level}" is not valid: use one of ${LOG_LEVELS.join(', ')}`);
  }
  return level;
}

export const LOG_FORMATS = ['json', 'pretty'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

/**
 * How log lines are written: readable lines (`[09:15:02] INFO: file applied {"file":…}`) when
 * stderr is a terminal, pino JSON lines otherwise (cron, pipes, files, tests), so what is kept and
 * parsed stays JSON. MEISAI_LOG_FORMAT=json|pretty chooses either way; another value is bad
 * configuration (exit 2).
 */
export function logFormat(
  stderrIsTerminal: boolean = process.stderr.isTTY === true,
  setting: string | undefined = process.env.MEISAI_LOG_FORMAT,
): LogFormat {
  if (setting === undefined || setting === '') return stderrIsTerminal ? 'pretty' : 'json';
  if (!(LOG_FORMATS as readonly string[]).includes(setting)) {
    throw new ConfigurationError(`MEISAI_LOG_FORMAT "${setting}" is not valid: use one of ${LOG_FORMATS.join(', ')}`);
  }
  return setting as LogFormat;
}

/** The format of this process's log lines: chosen once, a bad setting falling back to the default (the preAction hook says it). */
let chosenFormat: LogFormat | null = null;
function currentFormat(): LogFormat {
  if (chosenFormat === null) {
    try {
      chosenFormat = logFormat();
    } catch {
      chosenFormat = logFormat(process.stderr.isTTY === true, '');
    }
  }
  return chosenFormat;
}

/** Whether log lines are read by a person now (pretty): then a failure the last line says is not logged too. */
export function logsArePretty(): boolean {
  return currentFormat() === 'pretty';
}

/** A JSON line made readable; pino-pretty is loaded only for a terminal (it costs every other run its start-up). */
let prettify: ((line: string) => string) | null = null;
function pretty(line: string): string {
  if (prettify === null) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded only for a terminal: its start-up cost stays off every other run
    const { prettyFactory } = require('pino-pretty') as typeof import('pino-pretty');
    prettify = prettyFactory({
      colorize: process.stderr.hasColors?.() === true,
      translateTime: 'SYS:HH:MM:ss',
      ignore: 'pid,hostname,name',
      singleLine: true,
    });
  }
  return prettify(line);
}

/** Where a log line goes: fd 2, unless something drawing on stderr (the progress bar) takes the lines. */
let fd2: pino.DestinationStream | null = null;
let lineWriter: ((line: string) => void) | null = null;

const destination: pino.DestinationStream = {
  write(json: string): void {
    const line = currentFormat() === 'pretty' ? pretty(json) : json;
    if (lineWriter !== null) {
      lineWriter(line);
      return;
    }
    fd2 ??= pino.destination({ dest: 2, sync: true });
    fd2.write(line);
  },
};

/**
 * Hands every log line to `writer` until the returned function is called: the progress bar
 * clears its line, lets the log line through and redraws below it, so no log line is overwritten.
 */
export function takeLogLines(writer: (line: string) => void): () => void {
  lineWriter = writer;
  return () => {
    if (lineWriter === writer) lineWriter = null;
  };
}

/** Whether something (the progress bar) takes the log lines now. */
export function logLinesTaken(): boolean {
  return lineWriter !== null;
}

/** Log lines on stderr (stdout carries results): pino JSON, readable on a terminal (logFormat). Level from MEISAI_LOG_LEVEL, default info. */
export function createLogger(): pino.Logger {
  return pino({ name: 'meisai', level: logLevel() }, destination);
}

/**
 * A failure that the run's last line (`meisai: …`) will say as well: logged as JSON for cron's
 * log, but not on a terminal, where it is said once, by that line.
 */
export function logFailure(logger: pino.Logger, fields: Record<string, unknown>, message: string): void {
  if (!logsArePretty()) logger.error(fields, message);
}

/** A logger for the last word on a failure, whatever MEISAI_LOG_LEVEL says (a bad level falls back to info). */
export function createFailureLogger(): pino.Logger {
  let level: string;
  try {
    level = logLevel();
  } catch {
    level = 'info';
  }
  return pino({ name: 'meisai', level }, destination);
}
