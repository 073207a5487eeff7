/** Errors that end a command with a clear message and the spec's exit code, never a stack trace. */
export class MeisaiError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** Bad usage or bad configuration (a tariff that fails its schema, an unknown option value): exit 2. */
export class ConfigurationError extends MeisaiError {
  constructor(message: string) {
    super(message, 2);
  }
}

/** A run that failed (a file refused whole, an unreadable input): exit 1. */
export class RunFailedError extends MeisaiError {
  constructor(message: string) {
    super(message, 1);
  }
}

/** Another run holds the lock: exit 3. */
export class LockedError extends MeisaiError {
  constructor(message: string) {
    super(message, 3);
  }
}

/**
 * The store cannot be used as it is given: not there, not a meisai store (another file, a
 * truncated one), read-only for a command that writes: exit 2.
 */
export class StoreConfigurationError extends ConfigurationError {}

/** The store's schema version is not one this meisai reads: newer (a newer meisai migrated it), or older on a read (run meisai migrate). Exit 2. */
export class StoreVersionError extends StoreConfigurationError {}

/**
 * The store failed during a run: the disk is full, the file is damaged, an I/O error. Exit 1;
 * SQLite has rolled back the unfinished transaction, so nothing of it was applied.
 */
export class StoreFailedError extends RunFailedError {}

/**
 * A file's transaction lost a race with another ingest worker (PostgreSQL: the same record_id
 * written by a file applied at the same time, a deadlock, its month closed meanwhile). It was
 * rolled back whole, nothing of it applied: apply the file again (`retryable`).
 */
export class StoreRaceError extends StoreFailedError {
  readonly retryable = true;
}

/**
 * A file or a re-rate that would carry a stored monthly total past the bound that keeps every
 * statement figure exact (store/totalsBound.ts). Refused whole, nothing of it applied: exit 1.
 */
export class TotalsBoundError extends RunFailedError {}
