import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigurationError } from '../errors';
import { DEFAULT_DATA_DIR, readValidated } from '../reference/referenceData';
import { BasicFeeRow, ChargeTables, checkDatedRows, DatedRow, Issuer, LevyKind, LevyTable, TaxTable } from './chargeTables';

type ChargesFile = { kind: 'basic-fees'; plans: BasicFeeRow[] } | { kind: LevyKind; label: string; rows: LevyTable['rows'] };

/** The data folder a bill reads, as the tariffs: MEISAI_DATA_DIR or the project's `data/`. */
export function billingDataDir(): string {
  return process.env.MEISAI_DATA_DIR ?? DEFAULT_DATA_DIR;
}

/** `issuer.json` of the data folder, schema-checked; missing or bad: exit 2. */
export function loadIssuer(dataDir = billingDataDir()): Issuer {
  const { $schema: _schema, ...issuer } = readValidated<Issuer & { $schema?: string }>(join(dataDir, 'issuer.json'), 'issuer');
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
    names = readdirSync(folder).filter((name) => name.endsWith('.json')).sort();
  } catch {
    throw new ConfigurationError(`no monthly charges: ${folder} is missing (basic fees, levies and the consumption tax table)`);
  }
  const basicFees: BasicFeeRow[] = [];
  const levies = new Map<LevyKind, LevyTable>();
  let tax: TaxTable | undefined;
  for (const name of names) {
    const path = join(folder, name);
    const document = readJson(path);
    // The file's own shape says which schema holds it: a tax table has `rates`.
    const raw = readValidated<Record<string, unknown>>(path, Array.isArray(document.rates) ? 'consumption-tax' : 'monthly-charges', document);
    if (Array.isArray(raw.rates)) {
      if (tax !== undefined) throw new ConfigurationError(`${path}: a second consumption tax table (one is ${tax.id})`);
      tax = raw as unknown as TaxTable;
      reportRows(path, tax.rates);
      continue;
    }
    const file = raw as unknown as ChargesFile;
    if (file.kind === 'basic-fees') {
      basicFees.push(...file.plans);
      continue;
    }
    if (levies.has(file.kind)) throw new ConfigurationError(`${path}: a second ${file.kind} table`);
    reportRows(path, file.rows);
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
  if (missing.length > 0) throw new ConfigurationError(`${folder} lacks the table${missing.length > 1 ? 's' : ''} of ${missing.join(', ')}`);
  return { basicFees, universalService: universalService!, relayService: relayService!, tax: tax! };
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
