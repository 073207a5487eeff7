import pino from 'pino';

/** pino JSON on stderr (stdout carries results). Level from MEISAI_LOG_LEVEL, default info. */
export function createLogger(): pino.Logger {
  return pino({ name: 'meisai', level: process.env.MEISAI_LOG_LEVEL ?? 'info' }, pino.destination({ dest: 2, sync: true }));
}
