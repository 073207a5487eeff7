import pg from 'pg';
import { MeisaiError, StoreConfigurationError, StoreFailedError, StoreRaceError } from '../../errors';

/**
 * The PostgreSQL client's setup, and the one place where its faults become MeisaiErrors. Every
 * message names the store as `--db postgres://user:***@host:port/db`: never its password.
 */

/** The URL without its password (and without any password=… parameter), for messages. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    for (const key of [...parsed.searchParams.keys()]) {
      if (/pass/i.test(key)) parsed.searchParams.set(key, '***');
    }
    return parsed.toString();
  } catch {
    return url.replace(/(\/\/[^:/@]*:)[^@]*@/, '$1***@').replace(/(pass\w*=)[^&\s]*/gi, '$1***');
  }
}

/**
 * int8 (OID 20) read as an exact integer: parsed with BigInt, a number when it is a safe
 * integer, else left a bigint (which the row checks refuse as damaged): never through a float.
 */
export function parseInt8(text: string): number | bigint {
  const exact = BigInt(text);
  const value = Number(exact);
  return Number.isSafeInteger(value) && BigInt(value) === exact ? value : exact;
}

const INT8_OID = 20;
const NUMERIC_OID = 1700;

/** The type parsers of meisai's connections (scoped to them, not pg's global defaults). */
export function meisaiTypes(): pg.CustomTypesConfig {
  const types = new pg.TypeOverrides();
  types.setTypeParser(INT8_OID, parseInt8);
  // meisai reads no numeric: a SUM(bigint) must be cast back to bigint, never parsed to a float.
  types.setTypeParser(NUMERIC_OID, (text: string) => {
    throw new Error(`numeric value ${text} read from PostgreSQL: meisai's queries cast sums to bigint`);
  });
  return types;
}

export function createPool(url: string, options: { max?: number } = {}): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    types: meisaiTypes(),
    max: options.max ?? 8,
    application_name: 'meisai',
    connectionTimeoutMillis: 15_000,
  });
  // An idle client whose server went away: the next query reports it; nothing to do here.
  pool.on('error', () => undefined);
  return pool;
}

const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'ECONNRESET',
]);

/** SQLSTATEs of a transaction that lost a race and can be run again. */
const RACE_CODES = new Set(['40001', '40P01']);

/**
 * A fault of PostgreSQL as a MeisaiError: a store that cannot be reached or used as given (exit
 * 2), one that failed during the run (exit 1), a lost race (StoreRaceError). Anything else is
 * returned as it is (a bug, with its stack).
 */
export function pgFault(error: unknown, location: string): unknown {
  if (error instanceof MeisaiError) return error;
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? bounded(error.message) : String(error);
  const storeOption = `--db ${location}`;
  if (typeof code === 'string' && CONNECTION_CODES.has(code)) {
    return new StoreConfigurationError(
      `cannot connect to the PostgreSQL store ${storeOption} (${code}): is the server running, and are the host and port right?`,
    );
  }
  if (/timeout expired|Connection terminated due to connection timeout/i.test(message) && code === undefined) {
    return new StoreConfigurationError(
      `cannot connect to the PostgreSQL store ${storeOption} (timeout): is the server running, and are the host and port right?`,
    );
  }
  if (code === '28P01' || code === '28000') {
    return new StoreConfigurationError(
      `the PostgreSQL store ${storeOption} refused the login (${code}: ${redactText(message, location)}): check the user and password`,
    );
  }
  if (code === '3D000') {
    return new StoreConfigurationError(
      `the database of the PostgreSQL store ${storeOption} does not exist (${code}): create it (createdb), then run meisai migrate`,
    );
  }
  if (code === '42501') {
    return new StoreConfigurationError(
      `the PostgreSQL store ${storeOption} refused an operation (${code}: ${redactText(message, location)}): the user needs the rights meisai migrate sets up`,
    );
  }
  if (code === '25006') {
    return new StoreConfigurationError(
      `the PostgreSQL store ${storeOption} is read-only (${code}): a command that writes needs a primary server`,
    );
  }
  if (typeof code === 'string' && RACE_CODES.has(code)) {
    return new StoreRaceError(
      `the PostgreSQL store ${storeOption}: the transaction lost a race with another one (${code}); nothing of it was applied`,
    );
  }
  if (code === '53100') {
    return new StoreFailedError(
      `the disk of the PostgreSQL store ${storeOption} is full (${code}): nothing of the unfinished transaction was applied; free space and run it again`,
    );
  }
  if (typeof code === 'string' && (code.startsWith('08') || code.startsWith('57P') || code === '53300')) {
    return new StoreFailedError(
      `the PostgreSQL store ${storeOption} failed during the run (${code}: ${redactText(message, location)}): nothing of the unfinished transaction was applied`,
    );
  }
  if (code === undefined && /Connection terminated|Client has encountered a connection error/i.test(message)) {
    return new StoreFailedError(
      `the connection to the PostgreSQL store ${storeOption} was lost (${redactText(message, location)}): nothing of the unfinished transaction was applied`,
    );
  }
  // Any other error the server reported (a SQLSTATE), except a unique violation, which the file
  // transaction reads as a race with another worker: a failed run, in one line.
  if (error instanceof pg.DatabaseError && typeof code === 'string' && code !== '23505') {
    return new StoreFailedError(
      `the PostgreSQL store ${storeOption} failed (${code}: ${redactText(message, location)}): nothing of the unfinished transaction was applied`,
    );
  }
  return error;
}

function redactText(text: string, location: string): string {
  void location;
  return text.replace(/(postgres(?:ql)?:\/\/[^:/@\s]*:)[^@\s]*@/gi, '$1***@');
}

function bounded(text: string): string {
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}
