import { Option } from 'commander';
import iconv from 'iconv-lite';
import { ConfigurationError } from '../errors';

/**
 * The one place where meisai finishes CSV for the spreadsheets finance opens it in: every
 * cell is neutralised against formula injection (renderers pass their cells through
 * `neutraliseFormula`), and the text is encoded as UTF-8, UTF-8 with a byte-order mark, or
 * CP932, refusing characters CP932 cannot hold rather than printing `?` in their place.
 */

/** Where a command writes: results to stdout, messages to stderr (tests capture both). */
export interface Io {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Encoded output (CSV in CP932 or with a BOM); absent, CSV is written as UTF-8 text through `stdout`. */
  stdoutBytes?: (bytes: Buffer) => void;
}

export const CSV_ENCODINGS = ['utf8', 'utf8bom', 'cp932'] as const;
export type CsvEncoding = (typeof CSV_ENCODINGS)[number];

/**
 * Excel in Japan reads a BOM-less UTF-8 CSV as CP932 and shows mojibake (一般通話 becomes
 * 荳�闊ｬ騾夊ｩｱ), so the default is UTF-8 with a BOM, which every Excel version opens cleanly
 * and which holds any character. `utf8` is for pipes and programs, `cp932` for old tools.
 */
export const DEFAULT_CSV_ENCODING: CsvEncoding = 'utf8bom';

/** `--csv-encoding <utf8|utf8bom|cp932>`, shared by every command that writes CSV. */
export function csvEncodingOption(): Option {
  return new Option('--csv-encoding <encoding>', 'CSV bytes: utf8bom (Excel), cp932 (Shift_JIS) or utf8 (pipes)')
    .choices([...CSV_ENCODINGS])
    .default(DEFAULT_CSV_ENCODING);
}

/** Characters a spreadsheet reads as the start of a formula (OWASP's list, tab and CR included). */
const FORMULA_TRIGGERS = new Set(['=', '+', '-', '@', '\t', '\r']);
/** The numbers meisai prints: an optional minus, digits with optional thousands separators, optional fraction. */
const PLAIN_NUMBER = /^-?\d[\d,]*(\.\d+)?$/;

/**
 * A cell a spreadsheet would run as a formula (`=SUM(A1)`, `@x`, `-x`) gets a leading `'`,
 * which makes it text. A plain number such as `-1174` (the 着割 discount) stays as it is, so
 * the sheet can still add it up.
 */
export function neutraliseFormula(cell: string): string {
  if (cell === '' || !FORMULA_TRIGGERS.has(cell[0]!)) return cell;
  if (PLAIN_NUMBER.test(cell)) return cell;
  return `'${cell}`;
}

/** C0 controls, DEL and C1 controls: ESC, BEL, NUL and the like, which a terminal acts on. */
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/g;

/**
 * Text safe to print on a terminal or open in a spreadsheet: each control character becomes its
 * visible escape (`ESC` → `\x1b`, NUL → `\x00`), so a line such as `ESC ] 0;… BEL ESC[2J` cannot
 * rewrite the operator's terminal. The store keeps the bytes; `rejects --raw FILE` writes them as they are.
 */
export function escapeControls(text: string): string {
  return text.replace(CONTROL_CHARACTERS, (character) => `\\x${character.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** A cell for a CSV meant for a terminal or a spreadsheet: control characters escaped, formulas neutralised. */
export function safeCell(cell: string): string {
  return neutraliseFormula(escapeControls(cell));
}

const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);
/** iconv-lite writes `?` (0x3F) for a character CP932 lacks; 0x3F is never a CP932 trail byte. */
const QUESTION_MARK = 0x3f;

/** The CSV text as the bytes of the chosen encoding. */
export function encodeCsv(text: string, encoding: CsvEncoding): Buffer {
  switch (encoding) {
    case 'utf8':
      return Buffer.from(text, 'utf8');
    case 'utf8bom':
      return Buffer.concat([UTF8_BOM, Buffer.from(text, 'utf8')]);
    case 'cp932':
      return encodeCp932(text);
    default: {
      const unknown: never = encoding;
      throw new ConfigurationError(`unknown CSV encoding ${String(unknown)}`);
    }
  }
}

function encodeCp932(text: string): Buffer {
  const bytes = iconv.encode(text, 'cp932');
  if (countByte(bytes, QUESTION_MARK) !== countQuestionMarks(text)) {
    const character = firstCharacterOutsideCp932(text);
    if (character !== undefined) {
      const codePoint = `U+${character.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
      throw new ConfigurationError(
        `the CSV holds "${character}" (${codePoint}), which CP932 cannot encode: use --csv-encoding utf8bom`,
      );
    }
  }
  return bytes;
}

function firstCharacterOutsideCp932(text: string): string | undefined {
  for (const character of text) {
    if (character !== '?' && countByte(iconv.encode(character, 'cp932'), QUESTION_MARK) > 0) return character;
  }
  return undefined;
}

function countByte(bytes: Buffer, byte: number): number {
  let count = 0;
  for (const value of bytes) if (value === byte) count += 1;
  return count;
}

function countQuestionMarks(text: string): number {
  let count = 0;
  for (const character of text) if (character === '?') count += 1;
  return count;
}

/**
 * Writes CSV to stdout in the chosen encoding. An `Io` that takes only text (some tests) gets
 * the UTF-8 text itself; the encoding is still checked, so a CP932 refusal never depends on it.
 */
export function writeCsv(io: Io, text: string, encoding: CsvEncoding): void {
  const bytes = encodeCsv(text, encoding);
  if (io.stdoutBytes === undefined) io.stdout(text);
  else io.stdoutBytes(bytes);
}
