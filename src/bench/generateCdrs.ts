/**
 * A deterministic CDR file for the throughput bench (issue 4): one month (April 2011, Japan
 * time, or the month `monthOffset` months later) of calls of about 20,000 contracts and 60,000 numbers (fewer for small files, so every
 * number has calls), 70% outbound and 30% inbound, a realistic peer mix, durations with tenths
 * (some with milliseconds), about 0.5% bad rows and 0.5% exact re-sends of earlier rows.
 *
 * The forms are kept plain (peers as digits, starts as `2011-04-01 09:15:02` or ISO with an
 * offset, durations as seconds) so that SQL can read them too: the bench is about throughput.
 * Rows are written as they are made, so ten million rows need no more memory than ten.
 *
 *   tsx src/bench/generateCdrs.ts --cdrs 1000000 --seed 1 [--ids sequential|uuid] [--month 2011-05] --out /tmp/cdrs.csv
 *
 * A later month (issue 11's store growth) has the same calls in the same order, only their
 * starts moved into that month and their record ids made its own: sequential ids of month
 * offset k count from k × 10^8 (`R0100000001` for k = 1), and a UUID carries k in its hex
 * digits 13–14 (the two after the version digit `4`) and draws the rest from a stream of its
 * own, so no two months share a record id while each month's ids stay random among the others.
 *
 * Everything here is integer arithmetic on a seeded 32-bit PRNG: the same options always give
 * the same bytes.
 */
import { closeSync, openSync, renameSync, writeFileSync, writeSync } from 'node:fs';

export const CDR_HEADER = 'record_id,contract_id,number,direction,peer,start,duration';

export interface GeneratorOptions {
  /** Data rows to write (bad rows and re-sends included), not counting the header. */
  cdrs: number;
  seed: number;
  /** Record ids: increasing (`R0000000001`, the default) or random UUID v4, as many switches write them. */
  ids?: RecordIds;
  /** Months after April 2011 (0, the default, is April 2011 itself; at most MAX_MONTH_OFFSET). */
  monthOffset?: number;
}

export type RecordIds = 'sequential' | 'uuid';

/**
 * A UUID v4 from its own seeded generator, so that a file with UUIDs has the same calls, in the
 * same order, as the file with increasing ids: only the record_id column differs.
 */
function uuidFrom(draw: Draw, monthMark: string): string {
  const words = [draw(), draw(), draw(), draw()].map((word) => (word >>> 0).toString(16).padStart(8, '0'));
  const hex = words.join('');
  const variant = ((Number.parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${monthMark}${hex.slice(15, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** Month offsets fit the two hex digits of a UUID and the 10 digits of a sequential id (k × 10^8 + row). */
export const MAX_MONTH_OFFSET = 98;
/** Sequential ids of month offset k are k × 10^8 + 1, + 2, …: a file of a later month holds fewer rows than this. */
const SEQUENTIAL_IDS_PER_MONTH = 100_000_000;

/** What meisai (or any faithful implementation) must report for the generated file. */
export interface ExpectedCounts {
  cdrs: number;
  seed: number;
  /** `YYYY-MM`: the month (Japan time) every accepted call starts in. */
  month: string;
  contracts: number;
  numbers: number;
  read: number;
  accepted: number;
  rejected: Record<string, number>;
  duplicates: number;
  /** Accepted calls by direction. */
  outbound: number;
  inbound: number;
}

/**
 * mulberry32: a small, fast, well-mixed 32-bit PRNG. Each call returns its top 31 bits, an
 * integer in [0, 2^31): small integers keep the arithmetic on them fast.
 */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = state;
    mixed = Math.imul(mixed ^ (mixed >>> 15), mixed | 1);
    mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), mixed | 61);
    return (mixed ^ (mixed >>> 14)) >>> 1;
  };
}

/** At N ≥ 1M rows: 60,000 numbers on about 20,000 contracts; fewer for small files. */
const FULL_SIZE_NUMBERS = 60_000;
const NUMBERS_PER_MILLION_CDRS = 60_000;
/** Rows out of 1,000: bad rows and exact re-sends of an earlier row. */
const BAD_ROWS_PER_THOUSAND = 5;
const DUPLICATES_PER_THOUSAND = 5;
/** Re-sends repeat one of a pool of earlier good rows; each new good row takes a random place in it once it is full. */
const RECENT_ROWS_KEPT = 4096;
/** Bytes written at a time; a row (about 80 bytes) is far shorter than the spare room. */
const CHUNK_BYTES = 1 << 20;
const MAX_ROW_BYTES = 1024;

const SECONDS_PER_DAY = 86_400;
const JAPAN_OFFSET_SECONDS = 9 * 3600;

/** The month the calls start in (Japan time), and the one before it (a UTC start early on the 1st falls on its last day). */
export interface GeneratedMonth {
  /** `YYYY-MM` */
  text: string;
  days: number;
  previousText: string;
  previousDays: number;
}

function monthText(year: number, month: number): string {
  return `${year}-${pad2(month)}`;
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** The month `offset` months after April 2011. */
export function generatedMonth(offset: number): GeneratedMonth {
  if (!Number.isInteger(offset) || offset < 0 || offset > MAX_MONTH_OFFSET)
    throw new Error(`the month offset is a whole number from 0 to ${MAX_MONTH_OFFSET}, not ${offset}`);
  const index = 2011 * 12 + 3 + offset; // months since year 0, January = 0
  const [year, month] = [Math.floor(index / 12), (index % 12) + 1];
  const [previousYear, previousMonth] = [Math.floor((index - 1) / 12), ((index - 1) % 12) + 1];
  return {
    text: monthText(year, month),
    days: daysInMonth(year, month),
    previousText: monthText(previousYear, previousMonth),
    previousDays: daysInMonth(previousYear, previousMonth),
  };
}

/** The offset of `YYYY-MM` from April 2011 (the inverse of generatedMonth). */
export function monthOffsetOf(text: string): number {
  const match = /^(\d{4})-(\d{2})$/.exec(text);
  const offset = match === null ? -1 : Number(match[1]) * 12 + Number(match[2]) - 1 - (2011 * 12 + 3);
  if (match === null || Number(match[2]) < 1 || Number(match[2]) > 12 || offset < 0 || offset > MAX_MONTH_OFFSET) {
    throw new Error(
      `--month is a month YYYY-MM from 2011-04 to ${generatedMonth(MAX_MONTH_OFFSET).text}, not "${text}"`,
    );
  }
  return offset;
}

type Draw = () => number;

/** Picks one of the weighted choices; weights are integers. */
class WeightedChoice<Choice> {
  private readonly total: number;
  constructor(private readonly choices: readonly (readonly [number, Choice])[]) {
    this.total = choices.reduce((sum, [weight]) => sum + weight, 0);
  }

  pick(draw: Draw): Choice {
    let ticket = draw() % this.total;
    for (const [weight, choice] of this.choices) {
      if (ticket < weight) return choice;
      ticket -= weight;
    }
    throw new Error('WeightedChoice: the weights do not add up (a bug)');
  }
}

/** "0000" to "9999": random digits are made four at a time from this table. */
const FOUR_DIGITS = Array.from({ length: 10_000 }, (_, value) => String(value).padStart(4, '0'));

/** `count` random decimal digits, leading zeros kept. */
function randomDigits(draw: Draw, count: number): string {
  let digits = '';
  let remaining = count;
  for (; remaining >= 4; remaining -= 4) digits += FOUR_DIGITS[draw() % 10_000]!;
  if (remaining > 0) digits += FOUR_DIGITS[draw() % 10_000]!.slice(4 - remaining);
  return digits;
}

function below(draw: Draw, limit: number): number {
  return draw() % limit;
}

function pad2(value: number): string {
  return FOUR_DIGITS[value]!.slice(2);
}

/** Fixed-line area codes (0 + area code + subscriber digits = 10 digits) that no special prefix shadows. */
const AREA_CODES = ['3', '6', '45', '52', '11', '92', '75', '78', '22', '82', '992', '48', '43', '466', '942', '263'];

function fixedLine(draw: Draw): string {
  const areaCode = AREA_CODES[below(draw, AREA_CODES.length)]!;
  // A local number never starts with 0 (06-0… would be the 060 carrier range).
  return `0${areaCode}${1 + below(draw, 9)}${randomDigits(draw, 8 - areaCode.length)}`;
}

function mobile(draw: Draw): string {
  return `${below(draw, 5) < 3 ? '090' : '080'}${randomDigits(draw, 8)}`;
}

/** 070 numbers were PHS in 2011. */
function phs(draw: Draw): string {
  return `070${randomDigits(draw, 8)}`;
}

/** The tariff's partner blocks, with the edges of the big range drawn more often. */
const ON_NET_BLOCKS = ['3300', '3450', '5000', '5001', '5002', '5003', '3900', '3901', '7000'];

function onNetIp(draw: Draw): string {
  const block =
    below(draw, 2) === 0 ? String(3300 + below(draw, 151)) : ON_NET_BLOCKS[below(draw, ON_NET_BLOCKS.length)]!;
  return `050${block}${randomDigits(draw, 4)}`;
}

/** Off-net 050 blocks, including the neighbours of the partner blocks. */
const OFF_NET_BLOCKS = ['3299', '3451', '4999', '5004', '3899', '3902', '6999', '7001'];

function offNetIp(draw: Draw): string {
  let block: string;
  if (below(draw, 4) === 0) {
    block = OFF_NET_BLOCKS[below(draw, OFF_NET_BLOCKS.length)]!;
  } else {
    // 1000-2999 and 8000-9999 hold no partner block.
    const value = 1000 + below(draw, 4000);
    block = String(value < 3000 ? value : value + 5000);
  }
  return `050${block}${randomDigits(draw, 4)}`;
}

function freeDial(draw: Draw): string {
  return below(draw, 10) < 7 ? `0120${randomDigits(draw, 6)}` : `0800${randomDigits(draw, 7)}`;
}

/** Country code and the digits of a national number after it: 010 + cc + national. */
const COUNTRIES = new WeightedChoice<readonly [string, number]>([
  [30, ['1', 10]], // US/Canada
  [20, ['86', 11]], // China
  [15, ['82', 10]], // Korea
  [10, ['44', 10]], // UK
  [4, ['33', 9]], // France
  [4, ['49', 11]], // Germany
  [4, ['61', 9]], // Australia
  [4, ['63', 10]], // Philippines
  [3, ['66', 9]], // Thailand
  [3, ['886', 9]], // Taiwan
  [2, ['852', 8]], // Hong Kong
  [1, ['55', 11]], // Brazil
]);

function international(draw: Draw): string {
  const [countryCode, nationalDigits] = COUNTRIES.pick(draw);
  return `010${countryCode}${randomDigits(draw, nationalDigits)}`;
}

const OUTBOUND_PEERS = new WeightedChoice<(draw: Draw) => string>([
  [380, fixedLine],
  [35, freeDial],
  [280, mobile],
  [40, phs],
  [80, onNetIp],
  [100, offNetIp],
  [60, international],
]);

/** Inbound caller ids: numbers, and withheld or unreadable ones that earn no 着割. */
const INBOUND_CALLERS = new WeightedChoice<(draw: Draw) => string>([
  [330, fixedLine],
  [300, mobile],
  [50, phs],
  [60, onNetIp],
  [60, offNetIp],
  [40, international],
  [80, () => 'anonymous'],
  [30, () => ''],
  [20, () => '非通知'],
  [10, () => 'unavailable'],
]);

/** Connected time in tenths of a second: [shortest, longest). */
const DURATION_RANGES = new WeightedChoice<readonly [number, number]>([
  [250, [10, 300]], // 1 to 30 s
  [500, [300, 3_000]], // 30 s to 5 min
  [200, [3_000, 18_000]], // 5 to 30 min
  [35, [18_000, 108_000]], // 30 min to 3 h
]);

const BILLING_UNITS_MS = [60_000, 180_000];

/** A duration as written: mostly tenths (`93.5`), some milliseconds (`180.001`) or whole seconds. */
function duration(draw: Draw): string {
  const form = below(draw, 1000);
  if (form < 15) return '0';
  if (form < 35) {
    // On a billing unit boundary, or one millisecond either side of it.
    return millisecondsText(BILLING_UNITS_MS[below(draw, 2)]! * (1 + below(draw, 5)) + below(draw, 3) - 1);
  }
  const [shortest, longest] = DURATION_RANGES.pick(draw);
  const tenths = shortest + below(draw, longest - shortest);
  if (form < 135) return millisecondsText(tenths * 100 + below(draw, 100));
  if (form < 185) return String(Math.floor(tenths / 10));
  return `${Math.floor(tenths / 10)}.${tenths % 10}`;
}

function millisecondsText(milliseconds: number): string {
  return `${Math.floor(milliseconds / 1000)}.${String(milliseconds % 1000).padStart(3, '0')}`;
}

/** A second of the month (Japan time), written in one of the plain forms. */
function start(draw: Draw, month: GeneratedMonth): string {
  const secondOfMonth = below(draw, month.days * SECONDS_PER_DAY);
  const form = below(draw, 100);
  if (form < 85) return `${month.text}-${clockText(secondOfMonth, ' ')}`;
  if (form < 97) return `${month.text}-${clockText(secondOfMonth, 'T')}+09:00`;
  // UTC: nine hours earlier, so the first hours of the 1st are still the last day of the month before.
  const utcSecond = secondOfMonth - JAPAN_OFFSET_SECONDS;
  if (utcSecond < 0)
    return `${month.previousText}-${clockText(utcSecond + month.previousDays * SECONDS_PER_DAY, 'T')}Z`;
  return `${month.text}-${clockText(utcSecond, 'T')}Z`;
}

/** `DD HH:MM:SS` (or with `T`) of a second counted from the first of the month. */
function clockText(secondOfMonth: number, separator: string): string {
  const day = 1 + Math.floor(secondOfMonth / SECONDS_PER_DAY);
  const secondOfDay = secondOfMonth % SECONDS_PER_DAY;
  const hour = Math.floor(secondOfDay / 3600);
  const minute = Math.floor((secondOfDay % 3600) / 60);
  const second = secondOfDay % 60;
  return `${pad2(day)}${separator}${pad2(hour)}:${pad2(minute)}:${pad2(second)}`;
}

/** One row's fields, before it is written. */
interface CdrFields {
  recordId: string;
  contractId: string;
  number: string;
  direction: string;
  peer: string;
  start: string;
  duration: string;
}

function csvLine(fields: CdrFields): string {
  return `${fields.recordId},${fields.contractId},${fields.number},${fields.direction},${fields.peer},${fields.start},${fields.duration}\n`;
}

/** Each bad row has exactly one problem, and the code meisai must give it. */
const BAD_ROWS = new WeightedChoice<readonly [string, (fields: CdrFields, draw: Draw, month: GeneratedMonth) => void]>([
  [
    25,
    [
      'BAD_DURATION',
      (fields, draw) => (fields.duration = ['-12.5', '93.5000', 'abc', '86400.001', '90000'][below(draw, 5)]!),
    ],
  ],
  [15, ['BAD_DIRECTION', (fields, draw) => (fields.direction = ['both', 'outgoing', 'x'][below(draw, 3)]!)]],
  [
    20,
    [
      'NOT_CALLABLE',
      (fields, draw) => {
        fields.direction = 'out';
        fields.peer = [
          '110',
          '117',
          '119',
          `0570${randomDigits(draw, 6)}`,
          `0990${randomDigits(draw, 6)}`,
          `0180${randomDigits(draw, 6)}`,
        ][below(draw, 6)]!;
      },
    ],
  ],
  [
    20,
    [
      'BAD_PEER',
      (fields, draw) => {
        fields.direction = 'out';
        // Right prefixes, wrong lengths.
        fields.peer = [
          `090${randomDigits(draw, 7)}`,
          `03${randomDigits(draw, 7)}`,
          `0120${randomDigits(draw, 7)}`,
          `050${randomDigits(draw, 9)}`,
          `0101${randomDigits(draw, 2)}`,
        ][below(draw, 5)]!;
      },
    ],
  ],
  [5, ['MISSING_FIELD', (fields) => (fields.start = '')]],
  [
    5,
    // the day after the month's last (2011-04-31), an hour past the day, no time of day
    [
      'BAD_START',
      (fields, draw, month) =>
        (fields.start = [`${month.text}-${month.days + 1} 10:00:00`, `${month.text}-01 25:00:00`, `${month.text}-01`][
          below(draw, 3)
        ]!),
    ],
  ],
  [5, ['BAD_CONTRACT', (fields, draw) => (fields.contractId = ['N12345', 'X000000001'][below(draw, 2)]!)]],
  [
    5,
    ['BAD_NUMBER', (fields, draw) => (fields.number = ['0312345678', `050${randomDigits(draw, 7)}`][below(draw, 2)]!)],
  ],
]);

/** The subscribers: numbers, each with its contract. */
interface Subscribers {
  numbers: string[];
  contractOfNumber: string[];
  contracts: number;
}

export function subscriberCounts(cdrs: number): number {
  return Math.max(1, Math.min(FULL_SIZE_NUMBERS, Math.floor((cdrs * NUMBERS_PER_MILLION_CDRS) / 1_000_000)));
}

function makeSubscribers(draw: Draw, numberCount: number): Subscribers {
  const numbers: string[] = [];
  const contractOfNumber: string[] = [];
  let contracts = 0;
  while (numbers.length < numberCount) {
    contracts += 1;
    const contractId = `N${String(contracts).padStart(9, '0')}`;
    // 1 to 5 numbers per contract, 3 on average: about 20,000 contracts for 60,000 numbers.
    const size = Math.min(1 + below(draw, 5), numberCount - numbers.length);
    for (let index = 0; index < size; index += 1) {
      // 7919 is prime and does not divide 89,999,999, so every index gets its own number.
      numbers.push(`050${10_000_000 + ((numbers.length * 7919) % 89_999_999)}`);
      contractOfNumber.push(contractId);
    }
  }
  return { numbers, contractOfNumber, contracts };
}

/**
 * Makes the file's rows one at a time: `nextLine()` returns the next row with its newline.
 * The counts are kept up to date as rows are made.
 */
export class CdrRows {
  readonly counts: ExpectedCounts;
  private readonly draw: Draw;
  private readonly subscribers: Subscribers;
  /** Good rows that a re-send may repeat: the most recent ones, and a random few older ones. */
  private readonly recentGoodRows: string[] = [];
  private nextRecord: number;
  private readonly idDraw: Draw | null;
  private readonly month: GeneratedMonth;
  /** The UUID's hex digits 13–14: the month offset. */
  private readonly monthMark: string;

  constructor(options: GeneratorOptions) {
    const monthOffset = options.monthOffset ?? 0;
    this.month = generatedMonth(monthOffset);
    if (monthOffset > 0 && options.cdrs >= SEQUENTIAL_IDS_PER_MONTH)
      throw new Error(`a file of a later month holds fewer than ${SEQUENTIAL_IDS_PER_MONTH} rows`);
    this.nextRecord = monthOffset * SEQUENTIAL_IDS_PER_MONTH + 1;
    this.monthMark = monthOffset.toString(16).padStart(2, '0');
    this.draw = mulberry32(options.seed);
    this.idDraw =
      options.ids === 'uuid'
        ? mulberry32(((options.seed ^ 0x9e3779b9) + Math.imul(monthOffset, 0x61c88647)) >>> 0)
        : null;
    this.subscribers = makeSubscribers(this.draw, subscriberCounts(options.cdrs));
    this.counts = emptyCounts(options);
    this.counts.contracts = this.subscribers.contracts;
    this.counts.numbers = this.subscribers.numbers.length;
  }

  nextLine(): string {
    const draw = this.draw;
    const counts = this.counts;
    counts.read += 1;
    const kind = below(draw, 1000);
    if (kind < DUPLICATES_PER_THOUSAND && this.recentGoodRows.length > 0) {
      counts.duplicates += 1;
      return this.recentGoodRows[below(draw, this.recentGoodRows.length)]!;
    }
    const subscriber = below(draw, this.subscribers.numbers.length);
    const outbound = below(draw, 10) < 7;
    const fields: CdrFields = {
      recordId:
        this.idDraw === null ? `R${String(this.nextRecord).padStart(10, '0')}` : uuidFrom(this.idDraw, this.monthMark),
      contractId: this.subscribers.contractOfNumber[subscriber]!,
      number: this.subscribers.numbers[subscriber]!,
      direction: outbound ? 'out' : 'in',
      peer: (outbound ? OUTBOUND_PEERS : INBOUND_CALLERS).pick(draw)(draw),
      start: start(draw, this.month),
      duration: duration(draw),
    };
    this.nextRecord += 1;
    if (kind < DUPLICATES_PER_THOUSAND + BAD_ROWS_PER_THOUSAND) {
      const [code, spoil] = BAD_ROWS.pick(draw);
      spoil(fields, draw, this.month);
      counts.rejected[code] = (counts.rejected[code] ?? 0) + 1;
      return csvLine(fields);
    }
    const line = csvLine(fields);
    counts.accepted += 1;
    if (outbound) counts.outbound += 1;
    else counts.inbound += 1;
    if (this.recentGoodRows.length < RECENT_ROWS_KEPT) this.recentGoodRows.push(line);
    else this.recentGoodRows[below(draw, RECENT_ROWS_KEPT)] = line;
    return line;
  }
}

export function emptyCounts(options: GeneratorOptions): ExpectedCounts {
  return {
    cdrs: options.cdrs,
    seed: options.seed,
    month: generatedMonth(options.monthOffset ?? 0).text,
    contracts: 0,
    numbers: 0,
    read: 0,
    accepted: 0,
    rejected: {},
    duplicates: 0,
    outbound: 0,
    inbound: 0,
  };
}

/**
 * Writes the file (through a temporary name, so a file at `out` is always complete) and, beside
 * it, `out.counts.json` with the expected control totals.
 */
export function generateCdrs(options: GeneratorOptions & { out: string }): ExpectedCounts {
  const rows = new CdrRows(options);
  const partial = `${options.out}.partial`;
  const descriptor = openSync(partial, 'w');
  try {
    const buffer = Buffer.allocUnsafe(CHUNK_BYTES + MAX_ROW_BYTES);
    let used = buffer.write(`${CDR_HEADER}\n`);
    for (let row = 0; row < options.cdrs; row += 1) {
      used += buffer.write(rows.nextLine(), used);
      if (used >= CHUNK_BYTES) {
        writeSync(descriptor, buffer, 0, used);
        used = 0;
      }
    }
    writeSync(descriptor, buffer, 0, used);
  } finally {
    closeSync(descriptor);
  }
  renameSync(partial, options.out);
  writeFileSync(countsPath(options.out), `${JSON.stringify(rows.counts, null, 2)}\n`);
  return rows.counts;
}

export function countsPath(csvPath: string): string {
  return `${csvPath}.counts.json`;
}

function parseArguments(argv: string[]): GeneratorOptions & { out: string } {
  const options: GeneratorOptions & { out: string } = { cdrs: 100_000, seed: 1, out: '', ids: 'sequential' };
  for (let index = 0; index < argv.length; index += 2) {
    const [name, value] = [argv[index], argv[index + 1]];
    if (value === undefined) throw new Error(`${name ?? ''} needs a value`);
    if (name === '--cdrs') options.cdrs = wholeNumber(name, value);
    else if (name === '--seed') options.seed = wholeNumber(name, value);
    else if (name === '--out') options.out = value;
    else if (name === '--ids') options.ids = recordIdsOption(value);
    else if (name === '--month') options.monthOffset = monthOffsetOf(value);
    else throw new Error(`unknown option ${name ?? ''}`);
  }
  if (options.out === '') throw new Error('--out FILE is required');
  return options;
}

export function recordIdsOption(value: string): RecordIds {
  if (value !== 'sequential' && value !== 'uuid') throw new Error(`--ids is sequential or uuid, not "${value}"`);
  return value;
}

export function wholeNumber(name: string, text: string): number {
  const compact = text.replace(/_/g, '');
  if (!/^\d{1,15}$/.test(compact)) throw new Error(`${name} takes a whole number, not "${text}"`);
  return Number(compact);
}

if (require.main === module) {
  try {
    const options = parseArguments(process.argv.slice(2));
    const counts = generateCdrs(options);
    process.stdout.write(`${JSON.stringify(counts)}\n`);
  } catch (error) {
    process.stderr.write(`generateCdrs: ${(error as Error).message}\n`);
    process.stderr.write(
      'usage: tsx src/bench/generateCdrs.ts --cdrs N [--seed S] [--ids sequential|uuid] [--month YYYY-MM] --out FILE\n',
    );
    process.exitCode = 2;
  }
}

/**
 * The contract with the most accepted calls in the file these options make (the smallest id
 * among equals), found by making its rows again: the worst case for a contract-month read.
 */
export function busiestContract(options: GeneratorOptions): { contractId: string; calls: number } {
  const rows = new CdrRows(options);
  const calls = new Map<string, number>();
  for (let row = 0; row < options.cdrs; row += 1) {
    const accepted = rows.counts.accepted;
    const line = rows.nextLine();
    if (rows.counts.accepted === accepted) continue;
    const contractId = line.slice(line.indexOf(',') + 1, line.indexOf(',', line.indexOf(',') + 1));
    calls.set(contractId, (calls.get(contractId) ?? 0) + 1);
  }
  let busiest = { contractId: '', calls: 0 };
  for (const [contractId, count] of calls) {
    if (count > busiest.calls || (count === busiest.calls && contractId < busiest.contractId))
      busiest = { contractId, calls: count };
  }
  return busiest;
}
