/**
 * meisai's rating done the way a data engineer would do it instead: DuckDB SQL over the CSV
 * (issue 4). It reads the file (every column as VARCHAR), validates each row, de-duplicates by
 * record_id (first accepted occurrence wins), classifies the peer by the reference numbering
 * plan, rates each call with the reference tariff, and persists the rated calls, the rejects,
 * the duplicates, the per (contract, month, number, call type) totals and the 着割 totals to a
 * new DuckDB file. The bench times this against `meisai ingest` and requires the same totals.
 * The statements run one by one (autocommit: inside one big transaction DuckDB writes its
 * tables about twice as slowly); should one fail, the new file is deleted, so a database file
 * that exists is complete.
 *
 * The SQL is written out from the same data files meisai reads (data/numbering, data/tariffs),
 * but read here on their own, so that a mistake in meisai's loading shows up as a difference.
 * Numbers stay exact: durations are split on '.' into whole milliseconds, money is BIGINT
 * scaled yen (yen × 10,000), units are ceil(duration_ms / unit_ms) in integer arithmetic.
 *
 * Input forms covered (those the bench generator writes, and a little more): UTF-8; starts
 * `YYYY-MM-DD[ T]HH:MM:SS[.fff]` in Japan time or with `Z`/`±HH:MM`; durations in seconds with up
 * to 3 fraction digits; peers with hyphens, spaces, parentheses, `+81` and `+<cc>`. Fields are
 * taken as written (meisai trims blanks around them; the generator writes none). The slash date
 * form, `H:MM:SS` durations, CP932 and malformed CSV rows are not covered (meisai covers them;
 * here they would be rejected or fail the read, and the cross-check would say so).
 *
 *   tsx src/bench/duckdbRating.ts --csv FILE --db OUT.duckdb [--print-sql]
 *
 * MEISAI_BENCH_SQL_TIMES=1 prints each statement's wall time on stderr.
 */
import { DuckDBInstance } from '@duckdb/node-api';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const PROJECT_ROOT = join(__dirname, '..', '..');
export const REFERENCE_NUMBERING_PATH = join(PROJECT_ROOT, 'data', 'numbering', 'jp-reference.json');
export const REFERENCE_TARIFF_PATH = join(PROJECT_ROOT, 'data', 'tariffs', 'reference-2006-12.json');

/** The parts of the reference data files this SQL uses. */
interface NumberingRule {
  prefix: string;
  minLength?: number;
  maxLength?: number;
  class: string;
  effectiveFrom?: string;
  effectiveTo?: string;
}

interface NumberingPlan {
  id: string;
  rules: NumberingRule[];
}

interface RoundingRule {
  mode: string;
  decimals: number;
}

interface TariffRate {
  id: string;
  type: string;
  prefixes?: string[];
  perCallFee?: string;
  initialSeconds?: number;
  initialPrice?: string;
  unitSeconds: number;
  unitPrice: string;
}

/** A rate as tariff format 2 writes it: the bench handles a connect fee and at most two steps, each charged per its rate unit. */
interface TariffRateFile {
  id: string;
  type: string;
  prefixes?: string[];
  band?: string;
  connectFee?: string;
  minimumCharge?: string;
  maximumCharge?: string;
  pricing?: string;
  steps: {
    fromSeconds: number;
    price: string;
    rateUnitSeconds?: number;
    incrementSeconds?: number;
    flatFee?: string;
  }[];
}

interface TariffDocument {
  id: string;
  effectiveFrom: string;
  effectiveTo?: string;
  rounding: { call: RoundingRule };
  timeBands?: unknown;
  rates: TariffRateFile[];
  chakuwari: { eligibleCallerTypes: string[] };
}

interface Tariff {
  id: string;
  effectiveFrom: string;
  effectiveTo?: string;
  rounding: { call: RoundingRule };
  rates: TariffRate[];
  chakuwari: { eligibleCallerTypes: string[] };
}

export interface ReferenceFiles {
  numbering: NumberingPlan;
  tariff: Tariff;
}

export function loadReferenceFiles(
  numberingPath = REFERENCE_NUMBERING_PATH,
  tariffPath = REFERENCE_TARIFF_PATH,
): ReferenceFiles {
  return {
    numbering: JSON.parse(readFileSync(numberingPath, 'utf8')) as NumberingPlan,
    tariff: benchTariff(JSON.parse(readFileSync(tariffPath, 'utf8')) as TariffDocument),
  };
}

/** The control totals of one run, as meisai reports them. */
export interface ControlTotals {
  read: number;
  accepted: number;
  rejected: Record<string, number>;
  duplicates: number;
}

const YEN_SCALE = 10_000n;
const JAPAN_OFFSET_MS = 9 * 3600 * 1000;

/** A tariff amount ("8", "0.5", "10.25") as exact scaled yen. */
export function scaledYen(amount: string): bigint {
  const match = /^(\d{1,12})(?:\.(\d{1,4}))?$/.exec(amount);
  if (match === null) throw new RangeError(`"${amount}" is not a yen amount with at most 4 fraction digits`);
  return BigInt(match[1]!) * YEN_SCALE + BigInt((match[2] ?? '').padEnd(4, '0'));
}

/** The instant (epoch ms) a Japan-time date `YYYY-MM-DD` begins. */
export function japanDateStartMs(date: string): number {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (match === null) throw new RangeError(`"${date}" is not a YYYY-MM-DD date`);
  return Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])) - JAPAN_OFFSET_MS;
}

function sqlText(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

/** `rule` in effect at `startMs`: its dates as conditions on the epoch-ms column. */
function effectiveSql(startMs: string, effectiveFrom?: string, effectiveTo?: string): string[] {
  const conditions: string[] = [];
  if (effectiveFrom !== undefined) conditions.push(`${startMs} >= ${japanDateStartMs(effectiveFrom)}`);
  if (effectiveTo !== undefined) conditions.push(`${startMs} < ${japanDateStartMs(effectiveTo)}`);
  return conditions;
}

/**
 * The numbering plan as one CASE: the longest prefix among the rules in effect decides, and a
 * number whose length that rule does not allow is 'invalid' (no fall back to a shorter prefix).
 * Gives a call type, 'not-callable' or 'invalid'.
 */
export function classificationSql(plan: NumberingPlan, digits: string, startMs: string): string {
  const longestFirst = [...plan.rules].sort((left, right) => right.prefix.length - left.prefix.length);
  const branches = longestFirst.map((rule) => {
    const conditions = [
      `starts_with(${digits}, ${sqlText(rule.prefix)})`,
      ...effectiveSql(startMs, rule.effectiveFrom, rule.effectiveTo),
    ];
    let outcome = sqlText(rule.class);
    if (rule.class !== 'not-callable' && (rule.minLength !== undefined || rule.maxLength !== undefined)) {
      const lengthLimits = [
        ...(rule.minLength === undefined ? [] : [`length(${digits}) >= ${rule.minLength}`]),
        ...(rule.maxLength === undefined ? [] : [`length(${digits}) <= ${rule.maxLength}`]),
      ];
      outcome = `CASE WHEN ${lengthLimits.join(' AND ')} THEN ${outcome} ELSE 'invalid' END`;
    }
    return `WHEN ${conditions.join(' AND ')} THEN ${outcome}`;
  });
  return `CASE ${branches.join('\n      ')}\n      ELSE 'invalid' END`;
}

/** One prefix of a rate: `0120`, or a same-length range such as `0503300-0503450`. */
interface RatePrefix {
  rateId: string;
  type: string;
  first: string;
  last: string;
}

/**
 * The rate of an outbound call as two CASEs (rate id and the prefix that chose it): per call
 * type, the longest matching prefix override, else the type's default rate.
 */
export function rateChoiceSql(
  tariff: Tariff,
  callType: string,
  digits: string,
): { rateId: string; ratePrefix: string } {
  const prefixes: RatePrefix[] = tariff.rates.flatMap((rate) =>
    (rate.prefixes ?? []).map((prefixOrRange) => {
      const [first, last = first] = prefixOrRange.split('-') as [string, string?];
      if (first.length !== last.length || first > last)
        throw new RangeError(`prefix range ${prefixOrRange} must run upward between same-length prefixes`);
      return { rateId: rate.id, type: rate.type, first, last };
    }),
  );
  prefixes.sort((left, right) => right.first.length - left.first.length);
  const idBranches: string[] = [];
  const prefixBranches: string[] = [];
  for (const prefix of prefixes) {
    const length = prefix.first.length;
    const matches =
      prefix.first === prefix.last
        ? `starts_with(${digits}, ${sqlText(prefix.first)})`
        : `length(${digits}) >= ${length} AND substr(${digits}, 1, ${length}) BETWEEN ${sqlText(prefix.first)} AND ${sqlText(prefix.last)}`;
    const when = `WHEN ${callType} = ${sqlText(prefix.type)} AND ${matches}`;
    idBranches.push(`${when} THEN ${sqlText(prefix.rateId)}`);
    prefixBranches.push(
      `${when} THEN ${prefix.first === prefix.last ? sqlText(prefix.first) : `substr(${digits}, 1, ${length})`}`,
    );
  }
  for (const rate of tariff.rates.filter((candidate) => candidate.prefixes === undefined)) {
    idBranches.push(`WHEN ${callType} = ${sqlText(rate.type)} THEN ${sqlText(rate.id)}`);
  }
  return {
    rateId: `CASE ${idBranches.join('\n      ')} END`,
    ratePrefix: `CASE ${prefixBranches.join('\n      ')} END`,
  };
}

/**
 * The format-2 tariff in the shape this SQL rates: a fee, an optional initial block (a first step
 * charged as one block), then one unit. Anything richer (time bands, minimum or maximum, a step
 * charged by increments other than its unit, rounding none) is refused: the bench covers the
 * reference plan.
 */
function benchTariff(document: TariffDocument): Tariff {
  const refuse = (what: string): never => {
    throw new RangeError(`the DuckDB bench rates the reference plan only; tariff ${document.id} has ${what}`);
  };
  if (document.timeBands !== undefined) refuse('time bands');
  if (document.rounding.call.mode === 'none') refuse('call rounding none');
  const rates = document.rates.map((rate): TariffRate => {
    if (rate.band !== undefined || rate.minimumCharge !== undefined || rate.maximumCharge !== undefined)
      refuse(`rate ${rate.id} with a band, minimum or maximum`);
    if (
      rate.pricing === 'volume' ||
      rate.steps.some((step) => step.flatFee !== undefined || step.rateUnitSeconds === undefined)
    )
      refuse(`rate ${rate.id} with volume pricing, a step fee or a unit in milliseconds`);
    if (rate.steps.some((step) => step.incrementSeconds !== step.rateUnitSeconds))
      refuse(`rate ${rate.id} charged by increments other than its unit`);
    const [first, second, ...more] = rate.steps;
    if (more.length > 0) refuse(`rate ${rate.id} with more than two steps`);
    const base = {
      id: rate.id,
      type: rate.type,
      ...(rate.prefixes === undefined ? {} : { prefixes: rate.prefixes }),
      perCallFee: rate.connectFee ?? '0',
    };
    if (second === undefined) return { ...base, unitSeconds: first!.rateUnitSeconds!, unitPrice: first!.price };
    if (second.fromSeconds !== first!.rateUnitSeconds) refuse(`rate ${rate.id} whose first step is not one block`);
    return {
      ...base,
      initialSeconds: first!.rateUnitSeconds!,
      initialPrice: first!.price,
      unitSeconds: second.rateUnitSeconds!,
      unitPrice: second.price,
    };
  });
  return {
    id: document.id,
    effectiveFrom: document.effectiveFrom,
    ...(document.effectiveTo === undefined ? {} : { effectiveTo: document.effectiveTo }),
    rounding: document.rounding,
    rates,
    chakuwari: document.chakuwari,
  };
}

/** The tariff's rates as rows of exact integers: scaled yen and milliseconds. */
function ratesValuesSql(tariff: Tariff): string {
  const rows = tariff.rates.map((rate) => {
    const values = [
      sqlText(rate.id),
      sqlText(rate.type),
      scaledYen(rate.perCallFee ?? '0'),
      BigInt(rate.initialSeconds ?? 0) * 1000n,
      scaledYen(rate.initialPrice ?? '0'),
      BigInt(rate.unitSeconds) * 1000n,
      scaledYen(rate.unitPrice),
    ];
    return `(${values.join(', ')})`;
  });
  return `SELECT rate_id, call_type, per_call_fee::BIGINT AS per_call_fee, initial_ms::BIGINT AS initial_ms,
       initial_price::BIGINT AS initial_price, unit_ms::BIGINT AS unit_ms, unit_price::BIGINT AS unit_price
  FROM (VALUES ${rows.join(',\n          ')}) AS rate (rate_id, call_type, per_call_fee, initial_ms, initial_price, unit_ms, unit_price)`;
}

/** Rounds a non-negative scaled-yen expression to the rule's decimals, by its mode. */
export function roundedSql(expression: string, rule: RoundingRule): string {
  const step = 10n ** BigInt(4 - rule.decimals);
  if (step === 1n) return expression;
  switch (rule.mode) {
    case 'down':
      return `((${expression}) // ${step}) * ${step}`;
    case 'up':
      return `(((${expression}) + ${step - 1n}) // ${step}) * ${step}`;
    case 'half-up':
      return `(((${expression}) * 2 + ${step}) // ${2n * step}) * ${step}`;
    case 'half-even':
      return `((${expression}) // ${step} + CASE WHEN (${expression}) % ${step} * 2 > ${step}
                OR ((${expression}) % ${step} * 2 = ${step} AND ((${expression}) // ${step}) % 2 = 1) THEN 1 ELSE 0 END) * ${step}`;
    default:
      throw new RangeError(`unknown rounding mode ${rule.mode}`);
  }
}

/** `2011-04-01 09:15:02`, `2011-04-01T09:15:02.250+09:00`, `2011-03-31T15:00:00Z`: fixed places up to the seconds. */
const START_FORM =
  '[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}:[0-9]{2}(?:[.][0-9]{1,9})?(?:Z|[+-][0-9]{2}:?[0-9]{2})?';

/** The statements, in order, that rate `csvPath` into the open database. */
export function ratingStatements(csvPath: string, reference: ReferenceFiles): string[] {
  const { numbering, tariff } = reference;
  const tariffInEffect = effectiveSql('start_ms', tariff.effectiveFrom, tariff.effectiveTo).join(' AND ');
  const rateChoice = rateChoiceSql(tariff, 'peer_class', 'peer');
  const eligibleCallers = tariff.chakuwari.eligibleCallerTypes.map(sqlText).join(', ');
  return [
    // Dialled digits: hyphens, blanks and parentheses dropped; +81… is 0…, +<cc>… is 010<cc>….
    `CREATE TEMP MACRO international_form(compact) AS
       CASE WHEN starts_with(compact, '+81') THEN '0' || substr(compact, 4)
            WHEN starts_with(compact, '+') THEN '010' || substr(compact, 2)
            ELSE compact END`,
    String.raw`CREATE TEMP MACRO dialled_digits(raw_text) AS international_form(regexp_replace(raw_text, '[-\s()]', '', 'g'))`,

    // The file as read, in its order (preserve_insertion_order): a row's rowid + 2 is its line,
    // line 1 being the header. (row_number() OVER () over the scan would run on one thread.)
    `CREATE TEMP TABLE raw AS
     SELECT * FROM read_csv(${sqlText(csvPath)}, header = true, all_varchar = true, delim = ',', quote = '"', escape = '"')`,

    // From here on the order of rows in a table does not matter (each row carries its line).
    'SET preserve_insertion_order = false',

    `CREATE TABLE rates AS ${ratesValuesSql(tariff)}`,

    // Every row with its fields read, checked in meisai's order (the first problem found is the
    // reason), and its peer classified.
    `CREATE TEMP TABLE records AS
     WITH fields AS (
       SELECT rowid + 2 AS line,
              coalesce(record_id, '') AS record_id,
              coalesce(contract_id, '') AS contract_id,
              coalesce(number, '') AS number_text,
              lower(coalesce(direction, '')) AS direction,
              coalesce(peer, '') AS peer_text,
              coalesce(start, '') AS start_text,
              coalesce(duration, '') AS duration_text
         FROM raw
     ), read_values AS (
       SELECT *,
              -- Plain digits stay as they are; anything else goes through the dialling rules.
              CASE WHEN regexp_full_match(number_text, '[0-9]+') THEN number_text ELSE dialled_digits(number_text) END AS number,
              regexp_full_match(peer_text, '[0-9]+') AS peer_is_plain_digits,
              regexp_full_match(start_text, ${sqlText(START_FORM)}) AS start_readable,
              substr(start_text, 20) AS start_tail,
              CASE WHEN regexp_full_match(duration_text, '[0-9]{1,9}(?:[.][0-9]{1,3})?')
                   THEN CAST(split_part(duration_text, '.', 1) AS BIGINT) * 1000
                        + CAST(rpad(split_part(duration_text, '.', 2), 3, '0') AS BIGINT)
              END AS duration_ms
         FROM fields
     ), start_values AS (
       SELECT *,
              CASE WHEN peer_is_plain_digits THEN peer_text ELSE dialled_digits(peer_text) END AS peer_digits,
              CASE WHEN start_readable THEN try_cast(substr(start_text, 1, 10) AS DATE) END AS start_date,
              CASE WHEN start_readable THEN CAST(substr(start_text, 12, 2) AS BIGINT) END AS start_hour,
              CASE WHEN start_readable THEN CAST(substr(start_text, 15, 2) AS BIGINT) END AS start_minute,
              CASE WHEN start_readable THEN CAST(substr(start_text, 18, 2) AS BIGINT) END AS start_second,
              -- After the seconds: nothing, a fraction, an offset, or both.
              CASE WHEN starts_with(start_tail, '.')
                   THEN CAST(rpad(substr(regexp_extract(start_tail, '^[.]([0-9]+)', 1), 1, 3), 3, '0') AS BIGINT)
                   ELSE 0 END AS start_millisecond,
              replace(CASE WHEN starts_with(start_tail, '.') THEN regexp_extract(start_tail, '^[.][0-9]+(.*)$', 1) ELSE start_tail END,
                      ':', '') AS offset_text
         FROM read_values
     ), timed AS (
       SELECT *,
              CASE WHEN start_date IS NOT NULL AND start_hour <= 23 AND start_minute <= 59 AND start_second <= 59
                        AND (offset_text IN ('', 'Z')
                             OR (try_cast(substr(offset_text, 2, 2) AS BIGINT) <= 14 AND try_cast(substr(offset_text, 4, 2) AS BIGINT) <= 59))
                   THEN date_diff('day', DATE '1970-01-01', start_date) * 86400000
                        + start_hour * 3600000 + start_minute * 60000 + start_second * 1000 + start_millisecond
                        - CASE offset_text
                            WHEN '' THEN ${JAPAN_OFFSET_MS}
                            WHEN 'Z' THEN 0
                            ELSE (CASE WHEN starts_with(offset_text, '-') THEN -1 ELSE 1 END)
                                 * (CAST(substr(offset_text, 2, 2) AS BIGINT) * 60 + CAST(substr(offset_text, 4, 2) AS BIGINT)) * 60000
                          END
              END AS start_ms,
              peer_is_plain_digits OR regexp_full_match(peer_digits, '[0-9]+') AS peer_is_digits,
              direction = 'in' AND lower(peer_text) IN ('', 'anonymous', '非通知') AS withheld
         FROM start_values
     ), checked AS (
       SELECT *,
              CASE
                WHEN record_id = '' OR contract_id = '' OR number_text = '' OR direction = '' OR start_text = '' OR duration_text = ''
                  THEN 'MISSING_FIELD'
                WHEN NOT regexp_full_match(record_id, '[\\x20-\\x7e]{1,64}') THEN 'BAD_RECORD_ID'
                WHEN NOT regexp_full_match(contract_id, 'N[0-9]{9}') THEN 'BAD_CONTRACT'
                WHEN NOT regexp_full_match(number, '050[0-9]{8}') THEN 'BAD_NUMBER'
                WHEN direction NOT IN ('out', 'in') THEN 'BAD_DIRECTION'
                WHEN start_ms IS NULL THEN 'BAD_START'
                WHEN duration_ms IS NULL OR duration_ms > 86400000 THEN 'BAD_DURATION'
              END AS input_code,
              CASE WHEN direction = 'out' THEN peer_digits
                   WHEN withheld THEN lower(peer_text)
                   WHEN peer_is_digits THEN peer_digits
                   ELSE peer_text END AS peer,
              peer_is_digits AND (direction = 'out' OR NOT withheld) AS peer_is_number
         FROM timed
     ), classified AS (
       SELECT *,
              CASE WHEN peer_is_number AND input_code IS NULL
                   THEN ${classificationSql(numbering, 'peer', 'start_ms')}
              END AS number_class
         FROM checked
     )
     SELECT line, record_id, contract_id, number, direction, peer, peer_is_number, start_ms, duration_ms,
            input_code,
            CASE WHEN input_code IS NOT NULL THEN NULL
                 -- An outbound peer that is no number is rejected by rating, first, keeping its record (as meisai does).
                 WHEN direction = 'out' AND NOT peer_is_digits THEN 'BAD_PEER'
                 WHEN NOT (${tariffInEffect}) THEN 'NO_TARIFF'
                 WHEN direction = 'out' AND number_class = 'invalid' THEN 'BAD_PEER'
                 WHEN direction = 'out' AND number_class = 'not-callable' THEN 'NOT_CALLABLE'
            END AS rating_code,
            CASE WHEN direction = 'out' THEN number_class
                 WHEN withheld THEN 'withheld'
                 WHEN number_class IS NULL OR number_class = 'invalid' THEN 'unknown'
                 ELSE number_class END AS peer_class,
            number_text, peer_text, start_text, duration_text
       FROM classified`,

    // A record_id seen more than once among well-formed rows: its first rateable occurrence is
    // the one accepted; later ones are duplicates (same content) or conflicts.
    `CREATE TEMP TABLE first_accepted AS
     WITH repeated AS (
       SELECT record_id, min(line) FILTER (WHERE rating_code IS NULL) AS first_line
         FROM records WHERE input_code IS NULL
        GROUP BY record_id HAVING count(*) > 1
     )
     SELECT records.record_id, records.line, records.contract_id, records.number, records.direction, records.peer,
            records.start_ms, records.duration_ms
       FROM records JOIN repeated ON records.line = repeated.first_line`,

    // Every row's bucket: outcome NULL = accepted, 'DUPLICATE', or the reject code.
    `CREATE TEMP VIEW outcomes AS
     SELECT records.*,
            CASE
              WHEN records.input_code IS NOT NULL THEN records.input_code
              WHEN first.line IS NOT NULL AND records.line > first.line THEN
                CASE WHEN records.contract_id = first.contract_id AND records.number = first.number
                          AND records.direction = first.direction AND records.peer = first.peer
                          AND records.start_ms = first.start_ms AND records.duration_ms = first.duration_ms
                     THEN 'DUPLICATE' ELSE 'CONFLICT' END
              ELSE records.rating_code
            END AS outcome
       FROM records LEFT JOIN first_accepted AS first ON first.record_id = records.record_id`,

    // The rated calls: units = ceil(duration / unit) (after an initial block, if any), charge =
    // per-call fee + units × unit price, rounded per call; inbound and zero-length calls cost 0.
    `CREATE TABLE calls AS
     WITH chosen AS (
       SELECT *,
              CASE WHEN direction = 'out' THEN ${rateChoice.rateId} END AS rate_id,
              CASE WHEN direction = 'out' THEN ${rateChoice.ratePrefix} END AS rate_prefix
         FROM outcomes WHERE outcome IS NULL
     ), counted AS (
       SELECT chosen.*, rates.per_call_fee, rates.initial_ms, rates.initial_price, rates.unit_price,
              CASE WHEN rates.rate_id IS NULL OR duration_ms <= 0 THEN 0
                   WHEN rates.initial_ms > 0 THEN 1 + (greatest(duration_ms - rates.initial_ms, 0) + rates.unit_ms - 1) // rates.unit_ms
                   ELSE (duration_ms + rates.unit_ms - 1) // rates.unit_ms
              END AS units
         FROM chosen LEFT JOIN rates ON rates.rate_id = chosen.rate_id
     )
     SELECT record_id, line, contract_id, number, direction, peer, peer_is_number, start_ms, duration_ms,
            duration_ms // 100 AS duration_tenths,
            strftime(make_timestamp((start_ms + ${JAPAN_OFFSET_MS}) * 1000), '%Y-%m') AS month,
            peer_class,
            ${sqlText(tariff.id)} AS tariff_id,
            ${sqlText(numbering.id)} AS numbering_plan_id,
            rate_id, rate_prefix, units,
            CASE WHEN units = 0 THEN 0::BIGINT
                 ELSE ${roundedSql('per_call_fee + CASE WHEN initial_ms > 0 THEN initial_price + (units - 1) * unit_price ELSE units * unit_price END', tariff.rounding.call)}
            END AS charge_scaled,
            direction = 'in' AND duration_ms > 0 AND peer_class IN (${eligibleCallers}) AS chakuwari_eligible
       FROM counted`,

    `CREATE TABLE rejects AS
     SELECT line, outcome AS code, record_id, contract_id, number_text AS number, direction, peer_text AS peer,
            start_text AS start, duration_text AS duration
       FROM outcomes WHERE outcome IS NOT NULL AND outcome <> 'DUPLICATE'`,

    `CREATE TABLE duplicates AS SELECT line, record_id FROM outcomes WHERE outcome = 'DUPLICATE'`,

    // The sums behind the statement rows: outbound calls with duration > 0, per type.
    `CREATE TABLE number_type_totals AS
     SELECT contract_id, month, number, peer_class AS call_type,
            count(*)::BIGINT AS calls, sum(duration_tenths)::BIGINT AS duration_tenths, sum(charge_scaled)::BIGINT AS charge_scaled
       FROM calls WHERE direction = 'out' AND duration_ms > 0
      GROUP BY contract_id, month, number, peer_class`,

    // The time behind each number's 着割 row.
    `CREATE TABLE chakuwari_totals AS
     SELECT contract_id, month, number,
            count(*)::BIGINT AS calls, sum(duration_tenths)::BIGINT AS duration_tenths, sum(duration_ms)::BIGINT AS duration_ms
       FROM calls WHERE chakuwari_eligible
      GROUP BY contract_id, month, number`,

    `CREATE TABLE control_totals AS
     SELECT count(*)::BIGINT AS records_read,
            count(*) FILTER (WHERE outcome IS NULL)::BIGINT AS accepted,
            count(*) FILTER (WHERE outcome IS NOT NULL AND outcome <> 'DUPLICATE')::BIGINT AS rejected,
            count(*) FILTER (WHERE outcome = 'DUPLICATE')::BIGINT AS duplicates
       FROM outcomes`,
  ];
}

export interface DuckDbRatingOptions {
  csvPath: string;
  /** A new DuckDB file (it must not exist yet). */
  databasePath: string;
  threads?: number;
  reference?: ReferenceFiles;
}

/** Rates the file into a new DuckDB database and returns its control totals; on failure the file is removed. */
export async function rateWithDuckDb(options: DuckDbRatingOptions): Promise<ControlTotals> {
  const reference = options.reference ?? loadReferenceFiles();
  if (existsSync(options.databasePath))
    throw new Error(`${options.databasePath} exists already: the rating writes a new database`);
  const instance = await DuckDBInstance.create(options.databasePath, {
    threads: String(options.threads ?? 2),
    preserve_insertion_order: 'true',
  });
  let completed = false;
  try {
    const connection = await instance.connect();
    try {
      for (const statement of ratingStatements(options.csvPath, reference)) {
        const startedAt = process.hrtime.bigint();
        await connection.run(statement);
        if (process.env.MEISAI_BENCH_SQL_TIMES === '1') {
          process.stderr.write(
            `${(process.hrtime.bigint() - startedAt) / 1_000_000n} ms  ${statement.trim().split('\n')[0]}\n`,
          );
        }
      }
      const totals = await readControlTotals(connection);
      completed = true;
      return totals;
    } finally {
      connection.closeSync();
    }
  } finally {
    instance.closeSync();
    if (!completed)
      for (const path of [options.databasePath, `${options.databasePath}.wal`]) rmSync(path, { force: true });
  }
}

async function readControlTotals(connection: Awaited<ReturnType<DuckDBInstance['connect']>>): Promise<ControlTotals> {
  const totals = (
    await connection.runAndReadAll('SELECT records_read, accepted, duplicates FROM control_totals')
  ).getRows()[0]!;
  const byCode = (
    await connection.runAndReadAll('SELECT code, count(*) FROM rejects GROUP BY code ORDER BY code')
  ).getRows();
  return {
    read: Number(totals[0]),
    accepted: Number(totals[1]),
    rejected: Object.fromEntries(byCode.map(([code, count]) => [String(code), Number(count)])),
    duplicates: Number(totals[2]),
  };
}

function parseArguments(argv: string[]): { csvPath: string; databasePath: string; printSql: boolean } {
  const options = { csvPath: '', databasePath: '', printSql: false };
  for (let index = 0; index < argv.length; index += 1) {
    const name = argv[index];
    if (name === '--print-sql') options.printSql = true;
    else if (name === '--csv') options.csvPath = argv[++index] ?? '';
    else if (name === '--db') options.databasePath = argv[++index] ?? '';
    else throw new Error(`unknown option ${name ?? ''}`);
  }
  if (options.csvPath === '' || (options.databasePath === '' && !options.printSql))
    throw new Error('--csv FILE and --db PATH are required');
  return options;
}

if (require.main === module) {
  const options = (() => {
    try {
      return parseArguments(process.argv.slice(2));
    } catch (error) {
      process.stderr.write(
        `duckdbRating: ${(error as Error).message}\nusage: tsx src/bench/duckdbRating.ts --csv FILE --db OUT.duckdb [--print-sql]\n`,
      );
      process.exit(2);
    }
  })();
  if (options.printSql) {
    process.stdout.write(`${ratingStatements(options.csvPath, loadReferenceFiles()).join(';\n\n')};\n`);
  } else {
    rateWithDuckDb({ csvPath: options.csvPath, databasePath: options.databasePath }).then(
      (totals) => process.stdout.write(`${JSON.stringify(totals)}\n`),
      (error: unknown) => {
        process.stderr.write(`duckdbRating: ${(error as Error).message}\n`);
        process.exitCode = 1;
      },
    );
  }
}
