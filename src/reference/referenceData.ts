import { ErrorObject, ValidateFunction } from 'ajv';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ConfigurationError } from '../errors';
import { NumberingPlan } from '../numbering/classify';
import { NumberingPlanFile } from '../numbering/plan';
import { ContractNumbers } from '../subscription/contractNumbers';
import { SubscriptionBook } from '../subscription/subscriptions';
import { HolidayCalendar, HolidayCalendarFile } from '../tariff/holidayCalendar';
import { compileSchema, precompiledValidator } from './precompiledValidators';
import { isTariffFileV1 } from '../tariff/migrateTariffFile';
import { Tariff, TariffBook } from '../tariff/tariff';
import { TariffFile } from '../tariff/tariffFile';

/** The project's own folders, found from this file whether it runs from src/ or dist/. */
export const PROJECT_ROOT = resolve(__dirname, '..', '..');
export const DEFAULT_DATA_DIR = join(PROJECT_ROOT, 'data');
const SCHEMA_DIR = join(PROJECT_ROOT, 'schemas');

export interface ReferenceData {
  tariffs: TariffBook;
  numbering: NumberingPlan;
  /** The national-holiday calendars of `holidays/*.json`, by id. */
  calendars: ReadonlyMap<string, HolidayCalendar>;
  /** The store's subscriptions (empty until a command that has a store reads them). */
  subscriptions: SubscriptionBook;
  /** The store's customer lines: which 050 numbers a contract has on a day (empty until a command that has a store reads them). */
  contractNumbers: ContractNumbers;
  /** The folder it was loaded from. */
  dataDir: string;
}

export const SCHEMA_NAMES = [
  'tariff',
  'numbering',
  'statement',
  'holidays',
  'input-profile',
  'issuer',
  'monthly-charges',
  'consumption-tax',
] as const;
export type SchemaName = (typeof SCHEMA_NAMES)[number];
const validators = new Map<SchemaName, ValidateFunction>();

export function schemaValidator(name: SchemaName): ValidateFunction {
  let validate = validators.get(name);
  if (validate === undefined) {
    const schemaText = readSchema(name);
    validate = precompiledValidator(name, schemaText) ?? compileSchema(schemaText).validate;
    validators.set(name, validate);
  }
  return validate;
}

export function readSchema(name: SchemaName): string {
  return readFileSync(join(SCHEMA_DIR, `${name}.schema.json`), 'utf8');
}

/**
 * Loads every tariff version (`tariffs/*.json`) and the numbering plan (`numbering/*.json`)
 * of a data folder. Anything wrong (schema, overlapping dates, a type without a default rate)
 * stops here, before a single call is rated, naming the file and the JSON path.
 */
export function loadReferenceData(dataDir = process.env.MEISAI_DATA_DIR ?? DEFAULT_DATA_DIR): ReferenceData {
  const tariffFiles = jsonFilesIn(join(dataDir, 'tariffs'));
  const numberingFiles = jsonFilesIn(join(dataDir, 'numbering'));
  if (tariffFiles.length === 0) throw new ConfigurationError(`no tariff files in ${join(dataDir, 'tariffs')}`);
  if (numberingFiles.length !== 1) {
    throw new ConfigurationError(
      `expected exactly one numbering plan in ${join(dataDir, 'numbering')}, found ${numberingFiles.length}`,
    );
  }
  const calendars = loadHolidayCalendars(dataDir);
  const tariffs = tariffFiles.map((path) =>
    compileChecked(path, loadTariffFile(path), (file) => new Tariff(file, calendars)),
  );
  const numberingPath = numberingFiles[0]!;
  const numbering = compileChecked(numberingPath, loadNumberingFile(numberingPath), (file) => new NumberingPlan(file));
  const defaultPlan = configuredDefaultPlan();
  if (defaultPlan !== null && !tariffs.some((tariff) => tariff.plan === defaultPlan)) {
    const plans = [...new Set(tariffs.map((tariff) => tariff.plan))].sort().join(', ');
    throw new ConfigurationError(
      `the default plan ${defaultPlan} has no tariff version in ${join(dataDir, 'tariffs')} (plans: ${plans}); set MEISAI_DEFAULT_PLAN to one of them, or to none`,
    );
  }
  try {
    return {
      tariffs: new TariffBook(tariffs, defaultPlan),
      numbering,
      calendars,
      subscriptions: new SubscriptionBook(),
      contractNumbers: new ContractNumbers(),
      dataDir,
    };
  } catch (error) {
    throw new ConfigurationError(`tariffs in ${dataDir}: ${(error as Error).message}`);
  }
}

/**
 * The plan of contracts without a subscription: MEISAI_DEFAULT_PLAN names it (`none`: such calls
 * are rejected NO_TARIFF); unset, the reference plan.
 */
export const REFERENCE_PLAN = 'REFERENCE';

export function configuredDefaultPlan(): string | null {
  const configured = process.env.MEISAI_DEFAULT_PLAN;
  if (configured === undefined || configured === '') return REFERENCE_PLAN;
  return configured === 'none' ? null : configured;
}

export function loadTariffFile(path: string): TariffFile {
  const document = readJson(path);
  if (isTariffFileV1(document)) {
    throw new ConfigurationError(
      `${path} is a tariff of format 1 (no "format" field): convert it with meisai tariffs migrate ${path}`,
    );
  }
  return readValidated<TariffFile>(path, 'tariff', document);
}

/** Every calendar of `holidays/*.json` (none is fine for tariffs without holiday bands). */
export function loadHolidayCalendars(dataDir: string): ReadonlyMap<string, HolidayCalendar> {
  const calendars = new Map<string, HolidayCalendar>();
  for (const path of jsonFilesIn(join(dataDir, 'holidays'))) {
    const calendar = compileChecked(
      path,
      readValidated<HolidayCalendarFile>(path, 'holidays'),
      (file) => new HolidayCalendar(file),
    );
    if (calendars.has(calendar.id))
      throw new ConfigurationError(`${path}: holiday calendar ${calendar.id} is in two files`);
    calendars.set(calendar.id, calendar);
  }
  return calendars;
}

export function loadNumberingFile(path: string): NumberingPlanFile {
  return readValidated<NumberingPlanFile>(path, 'numbering');
}

/** Tells which schema a file claims (by its `$schema` or its shape) and checks it fully. */
export function checkReferenceFile(path: string, calendars: ReadonlyMap<string, HolidayCalendar> = new Map()): string {
  const document = readJson(path) as Record<string, unknown>;
  if (Array.isArray(document.dates)) {
    compileChecked(path, readValidated<HolidayCalendarFile>(path, 'holidays'), (file) => new HolidayCalendar(file));
    return 'holiday calendar';
  }
  if (Array.isArray(document.rules)) {
    compileChecked(path, readValidated<NumberingPlanFile>(path, 'numbering'), (file) => new NumberingPlan(file));
    return 'numbering plan';
  }
  compileChecked(path, loadTariffFile(path), (file) => new Tariff(file, calendars));
  return 'tariff';
}

export function readValidated<T>(path: string, schema: SchemaName, document: unknown = readJson(path)): T {
  const validate = schemaValidator(schema);
  if (!validate(document)) {
    throw new ConfigurationError(
      `${path} is not a valid ${schema} file:\n${describeSchemaErrors(validate.errors ?? [])}`,
    );
  }
  return document as T;
}

export function compileChecked<F, T>(path: string, file: F, compile: (file: F) => T): T {
  try {
    return compile(file);
  } catch (error) {
    throw new ConfigurationError(`${path}: ${(error as Error).message}`);
  }
}

function readJson(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigurationError(
      `cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new ConfigurationError(`${path} is not JSON: ${(error as Error).message}`);
  }
}

/** `/rates/3/unitPrice` → `$.rates[3].unitPrice`, one line per problem. */
export function describeSchemaErrors(errors: ErrorObject[]): string {
  return errors
    .map((error) => {
      const path = error.instancePath
        .split('/')
        .slice(1)
        .map((part) => (/^\d+$/.test(part) ? `[${part}]` : `.${part}`))
        .join('');
      const detail =
        error.keyword === 'additionalProperties'
          ? `${error.message}: ${String(error.params.additionalProperty)}`
          : error.keyword === 'enum'
            ? `${error.message}: ${(error.params.allowedValues as unknown[]).map((value) => JSON.stringify(value)).join(', ')}`
            : error.message;
      return `  $${path} ${detail ?? 'is invalid'}`;
    })
    .join('\n');
}

export function jsonFilesIn(directory: string): string[] {
  let names: string[];
  try {
    names = readdirSync(directory);
  } catch {
    return [];
  }
  return names
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((name) => join(directory, name));
}
