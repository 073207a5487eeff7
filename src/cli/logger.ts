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

/** Where a JSON log line goes: fd 2, unless something drawing on stderr (the progress bar) takes the lines. */
let fd2: pino.DestinationStream | null = null;
let lineWriter: ((line: string) => void) | null = null;

const destination: pino.DestinationStream = {
  write(line: string): void {
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

/** pino JSON on stderr (stdout carries results). Level from MEISAI_LOG_LEVEL, default info. */
export function createLogger(): pino.Logger {
  return pino({ name: 'meisai', level: logLevel() }, destination);
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
