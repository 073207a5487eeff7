import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigurationError } from '../errors';
import { DEFAULT_DATA_DIR, readValidated } from '../reference/referenceData';
import {
  BasicFeeRow,
  ChargeTables,
  checkDatedRows,
  DatedRow,
  Issuer,
  LevyKind,
  LevyTable,
  TaxTable,
} from './chargeTables';

type ChargesFile =
  { kind: 'basic-fees'; plans: BasicFeeRow[] } | { kind: LevyKind; label: string; rows: LevyTable['rows'] };

/** The data folder a bill reads, as the tariffs: MEISAI_DATA_DIR or the project's `data/`. */
export function billingDataDir(): string {
  return process.env.MEISAI_DATA_DIR ?? DEFAULT_DATA_DIR;
}

/** `issuer.json` of the data folder, schema-checked; missing or bad: exit 2. */
export function loadIssuer(dataDir = billingDataDir()): Issuer {
  const { $schema: _schema, ...issuer } = readValidated<Issuer & { $schema?: string }>(
    join(dataDir, 'issuer.json'),
    'issuer',
  );
  return issuer;
}

/**
 * The monthly charges and the tax table of `charges/` (each file schema-checked, every table
 * present once, no month covered twice). Anything wrong stops the bill run before it starts.
 */
export function loadChargeTables(dataDir = billingDataDir()): ChargeTables {
  const folder = join(dataDir, 'charges');
  let names: string[];
  try {
    names = readdirSync(folder)
      .filter((name) => name.endsWith('.json'))
      .sort();
  } catch {
    throw new ConfigurationError(
      `no monthly charges: ${folder} is missing (basic fees, levies and the consumption tax table)`,
    );
  }
  const basicFees: BasicFeeRow[] = [];
  const levies = new Map<LevyKind, LevyTable>();
  let tax: TaxTable | undefined;
  for (const name of names) {
    const path = join(folder, name);
    // The file's own shape says which schema holds it: a tax table has `rates`.
    const read = readChargesFile(path, readJson(path));
    if (read.kind === 'tax') {
      if (tax !== undefined) throw new ConfigurationError(`${path}: a second consumption tax table (one is ${tax.id})`);
      tax = read.tax;
      continue;
    }
    const file = read.file;
    if (file.kind === 'basic-fees') {
      basicFees.push(...file.plans);
      continue;
    }
    if (levies.has(file.kind)) throw new ConfigurationError(`${path}: a second ${file.kind} table`);
    levies.set(file.kind, { kind: file.kind, label: file.label, rows: file.rows });
  }
  reportRows(join(folder, '*.json (basic fees)'), basicFees, (row) => (row as BasicFeeRow).plan);
  const universalService = levies.get('universal-service');
  const relayService = levies.get('relay-service');
  const missing = [
    basicFees.length === 0 ? 'basic fees' : null,
    universalService === undefined ? 'universal-service' : null,
    relayService === undefined ? 'relay-service' : null,
    tax === undefined ? 'consumption tax' : null,
  ].filter((what) => what !== null);
  if (missing.length > 0)
    throw new ConfigurationError(`${folder} lacks the table${missing.length > 1 ? 's' : ''} of ${missing.join(', ')}`);
  return { basicFees, universalService: universalService!, relayService: relayService!, tax: tax! };
}

/** One file of `charges/`, schema-checked and its dated rows checked (a levy's or the tax's; basic fees are checked together). */
function readChargesFile(
  path: string,
  document: Record<string, unknown>,
): { kind: 'tax'; tax: TaxTable } | { kind: 'charges'; file: ChargesFile } {
  if (Array.isArray(document.rates)) {
    const tax = readValidated<TaxTable>(path, 'consumption-tax', document);
    reportRows(path, tax.rates);
    return { kind: 'tax', tax };
  }
  const file = readValidated<ChargesFile>(path, 'monthly-charges', document);
  if (file.kind !== 'basic-fees') reportRows(path, file.rows);
  return { kind: 'charges', file };
}

/**
 * `tariffs check` of a file the bill reads: the issuer (it has a `registrationNumber`), a monthly
 * charges table (its `kind`) or the consumption tax table (its `basis`); undefined: not one of
 * them (a tariff, calendar or numbering plan). A bad file stops with exit 2, as a bill run would.
 */
export function checkBillingFile(path: string): string | undefined {
  const document = readJson(path);
  if (typeof document.registrationNumber === 'string') {
    readValidated<Issuer>(path, 'issuer', document);
    return 'issuer';
  }
  const isTax = typeof document.basis === 'string' && Array.isArray(document.rates);
  if (!isTax && !CHARGE_KINDS.includes(document.kind as string)) return undefined;
  const read = readChargesFile(path, document);
  if (read.kind === 'tax') return `consumption tax ${read.tax.id}`;
  if (read.file.kind === 'basic-fees') reportRows(path, read.file.plans, (row) => (row as BasicFeeRow).plan);
  return `monthly charges ${read.file.kind}`;
}

const CHARGE_KINDS: readonly string[] = ['basic-fees', 'universal-service', 'relay-service'];

/**
 * `tariffs check`'s lines for the bill's data of the folder, each loaded as a bill run loads it. A
 * folder with neither `issuer.json` nor `charges/` (rating only) is said to be so; one with either
 * must have both, whole and valid.
 */
export function describeBillingData(dataDir = billingDataDir()): string[] {
  if (!existsSync(join(dataDir, 'issuer.json')) && !existsSync(join(dataDir, 'charges'))) {
    return [`--  no billing data (issuer.json, charges/) in ${dataDir}: meisai bill refuses to run`];
  }
  const issuer = loadIssuer(dataDir);
  const tables = loadChargeTables(dataDir);
  const span = (rows: readonly DatedRow[]): string => `${rows[0]?.from ?? '?'}–${rows.at(-1)?.to ?? 'open'}`;
  return [
    `ok  issuer ${issuer.name} (${issuer.registrationNumber})`,
    `ok  basic fees of plans ${[...new Set(tables.basicFees.map((row) => row.plan))].sort().join(', ')}`,
    `ok  ${tables.universalService.kind} (${span(tables.universalService.rows)}), ${tables.relayService.kind} (${span(tables.relayService.rows)})`,
    `ok  consumption tax ${tables.tax.id} (${span(tables.tax.rates)}, rounded ${tables.tax.rounding.mode})`,
  ];
}

function reportRows(path: string, rows: readonly DatedRow[], key?: (row: DatedRow) => string): void {
  const problems = checkDatedRows(rows, key);
  if (problems.length > 0) throw new ConfigurationError(`${path}: ${problems.join('; ')}`);
}

function readJson(path: string): Record<string, unknown> {
  try {
    const document = JSON.parse(readFileSync(path, 'utf8')) as unknown;
    return typeof document === 'object' && document !== null ? (document as Record<string, unknown>) : {};
  } catch (error) {
    throw new ConfigurationError(`${path} is not readable JSON: ${(error as Error).message}`);
  }
}
