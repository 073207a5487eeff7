/**
 * The bench's CDR file in the layout of the fixed-width profile `jp-fixed-128-cp932`, for
 * `npm run bench -- --profile jp-fixed-128-cp932`. That layout carries a start to the second and
 * a duration in tenths, so the same records are also written as a canonical CSV rounded the same
 * way (start truncated to the second, duration to tenths): the bench then times meisai on each and
 * requires identical totals from both. A record that cannot be written in the layout (a field
 * wider than its bytes, a malformed line) is written as a record of the wrong length, rejected
 * in the fixed file as in the canonical one (whose copy of it has a field too few).
 */
import { parse as parseCsv } from 'csv-parse/sync';
import iconv from 'iconv-lite';
import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';
import { normaliseSubscriberNumber } from '../numbering/peer';
import { parseDuration } from '../time/duration';
import { JAPAN_OFFSET_MS, parseStart } from '../time/japanTime';
import { CDR_HEADER } from './generateCdrs';

const RECORD_BYTES = 128;

function padText(text: string, length: number): Buffer | null {
  const bytes = iconv.encode(text, 'cp932');
  if (bytes.length > length) return null;
  return Buffer.concat([bytes, Buffer.alloc(length - bytes.length, 0x20)]);
}

function digits(text: string, length: number): Buffer | null {
  return text.length > length ? null : Buffer.from(text.padStart(length, '0'), 'latin1');
}

/** `YYYYMMDDHHmmss` of an instant in Japan time. */
function japanDigits(startMs: number): string {
  return new Date(startMs + JAPAN_OFFSET_MS).toISOString().slice(0, 19).replace(/[-T:]/g, '');
}

function japanText(startMs: number): string {
  return new Date(startMs + JAPAN_OFFSET_MS).toISOString().slice(0, 19).replace('T', ' ');
}

const PEER_NAMES = ['東京本社', '大阪支店', '携帯', '', 'ＩＰ電話'];

/** One canonical row as a fixed-width record and as its rounded canonical line; null: not representable. */
function convertRow(fields: string[], index: number): { fixed: Buffer; canonical: string } | null {
  if (fields.length !== 7) return null;
  const [recordId, contractId, number, direction, peer, start, duration] = fields as [
    string,
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  const parsedStart = parseStart(start);
  const parsedDuration = parseDuration(duration);
  const startMs = parsedStart.ok ? Math.floor(parsedStart.startMs / 1000) * 1000 : null;
  const tenths = parsedDuration.ok ? Math.floor(parsedDuration.durationMs / 100) : null;
  const lower = direction.trim().toLowerCase();
  const flag = lower === 'out' ? '1' : lower === 'in' ? '2' : '3';
  const parts = [
    padText('1', 1),
    padText(recordId, 20),
    padText(contractId, 10),
    padText(normaliseSubscriberNumber(number) ?? number, 11),
    padText(flag, 1),
    padText(PEER_NAMES[index % PEER_NAMES.length]!, 20),
    padText(peer, 20),
    startMs === null ? padText('20110431', 8) : digits(japanDigits(startMs).slice(0, 8), 8),
    startMs === null ? padText('000000', 6) : digits(japanDigits(startMs).slice(8), 6),
    tenths === null ? padText('xxxxxxx', 7) : digits(String(tenths), 7),
    padText('0', 1),
    padText('', 23),
  ];
  if (parts.some((part) => part === null)) return null;
  const fixed = Buffer.concat(parts as Buffer[]);
  if (fixed.length !== RECORD_BYTES) return null;
  const roundedStart = startMs === null ? start : japanText(startMs);
  const roundedDuration = tenths === null ? duration : `${Math.floor(tenths / 10)}.${tenths % 10}`;
  const canonical = [
    recordId,
    contractId,
    number,
    flag === '3' ? direction : lower,
    peer,
    roundedStart,
    roundedDuration,
  ]
    .map((value) => (/[",]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value))
    .join(',');
  return { fixed: Buffer.concat([fixed, Buffer.from('\r\n')]), canonical };
}

/** Writes `<csv>.jp-fixed.dat` and `<csv>.jp-fixed.csv` (the same records, rounded, canonical). */
export function writeFixedWidthCopies(csvPath: string): { fixedPath: string; canonicalPath: string } {
  const fixedPath = `${csvPath}.jp-fixed.dat`;
  const canonicalPath = `${csvPath}.jp-fixed.csv`;
  const lines = readFileSync(csvPath, 'utf8').split('\n');
  const fixedOut = openSync(fixedPath, 'w');
  const canonicalOut = openSync(canonicalPath, 'w');
  try {
    writeSync(canonicalOut, `${CDR_HEADER}\n`);
    const fixedParts: Buffer[] = [];
    const canonicalParts: string[] = [];
    const flush = (): void => {
      writeSync(fixedOut, Buffer.concat(fixedParts));
      writeSync(canonicalOut, canonicalParts.join(''));
      fixedParts.length = 0;
      canonicalParts.length = 0;
    };
    for (let index = 1; index < lines.length; index += 1) {
      const line = lines[index]!.replace(/\r$/, '');
      if (line === '') continue;
      let fields: string[];
      try {
        fields = line.includes('"')
          ? (parseCsv(line, { relax_column_count: true }) as string[][])[0]!
          : line.split(',');
      } catch {
        fields = [];
      }
      const converted = convertRow(fields, index);
      if (converted === null) {
        fixedParts.push(Buffer.from(`0${line.slice(0, 60)}\r\n`, 'utf8')); // wrong length: MALFORMED_ROW
        canonicalParts.push(`${fields.slice(0, 6).join(',') || 'x'}\n`); // a field too few: MALFORMED_ROW
      } else {
        fixedParts.push(converted.fixed);
        canonicalParts.push(`${converted.canonical}\n`);
      }
      if (fixedParts.length >= 4096) flush();
    }
    flush();
  } finally {
    closeSync(fixedOut);
    closeSync(canonicalOut);
  }
  return { fixedPath, canonicalPath };
}
