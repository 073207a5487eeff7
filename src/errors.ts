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
