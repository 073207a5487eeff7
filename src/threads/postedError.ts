import {
  ConfigurationError,
  LockedError,
  MeisaiError,
  RunFailedError,
  StoreConfigurationError,
  StoreFailedError,
  StoreRaceError,
  StoreVersionError,
  TotalsBoundError,
} from '../errors';

/** An error as a worker thread posts it: enough to rebuild it as the main thread would have thrown it. */
export interface PostedError {
  /** The MeisaiError class it was (its exit code follows), or null for another error. */
  meisai: string | null;
  /** Its name (TypeError, Error, …): another error keeps it. */
  name: string;
  message: string;
  /** Its `code` (SQLite's SQLITE_…, Node's E…), which the store's fault handling reads. */
  code: string | null;
}

const MEISAI_ERRORS: Record<string, new (message: string) => MeisaiError> = {
  ConfigurationError,
  RunFailedError,
  LockedError,
  StoreConfigurationError,
  StoreVersionError,
  StoreFailedError,
  StoreRaceError,
  TotalsBoundError,
};

export function postedError(error: unknown): PostedError {
  const code = (error as { code?: unknown } | null)?.code;
  return {
    meisai: error instanceof MeisaiError && error.name in MEISAI_ERRORS ? error.name : null,
    name: error instanceof Error ? error.name : 'Error',
    message: error instanceof Error ? error.message : String(error),
    code: typeof code === 'string' ? code : null,
  };
}

/** The error again, of its MeisaiError class (same message, same exit code), or an Error with its name and code. */
export function rebuiltError(posted: PostedError): Error {
  let error: Error;
  if (posted.meisai !== null) {
    error = new MEISAI_ERRORS[posted.meisai]!(posted.message);
  } else {
    error = new Error(posted.message);
    error.name = posted.name;
  }
  return posted.code === null ? error : Object.assign(error, { code: posted.code });
}
