import { basename } from 'node:path';
import { displayWidth } from '../statement/renderText';
import { takeLogLines } from './logger';

export interface IngestProgress {
  update(progress: { file: string; records: number; bytesRead: number; bytesTotal: number }): void;
  /** The run read its files: the last file's bar is drawn at 100% and the terminal is given back. */
  stop(): void;
}

const HIDE_CURSOR = '\x1b[?25l';
const SHOW_CURSOR = '\x1b[?25h';
const WRAP_ON = '\x1b[?7h';
/** Back to the first column and clear the whole line: the bar's line only, never one above it. */
const CLEAR_LINE = '\r\x1b[2K';
const BAR_WIDTH = 20;
const REDRAW_MS = 100;

/** Bars on screen now, so that a run that fails half-way gives the terminal back (see `stopProgressBars`). */
const activeBars = new Set<() => void>();

/** Gives the terminal back from every bar still drawn (a run that failed without reaching `stop`). */
export function stopProgressBars(): void {
  for (const abort of [...activeBars]) abort();
}

interface FileState {
  file: string;
  records: number;
  bytesRead: number;
  bytesTotal: number;
  startedAt: number;
}

/**
 * A progress bar (records, records/s, ETA) on stderr, only when a person watches a terminal;
 * cron jobs and pipes get nothing but the JSON logs.
 *
 * The bar is one line that is redrawn in place (`\r`, clear line), with line wrap left on and
 * the cursor never moved up or restored to a saved position, so nothing above it can be
 * overwritten. While it is drawn it takes the log lines (which share stderr): it clears its own
 * line, writes the log line whole and draws itself again below it. Each file's bar ends at 100%
 * and stays on screen. The cursor is hidden while the bar is drawn and shown again on stop, on
 * SIGINT/SIGTERM (before the run's own handler exits) and on exit.
 */
export function createIngestProgress(stream: NodeJS.WriteStream = process.stderr): IngestProgress {
  if (!stream.isTTY) return { update() {}, stop() {} };
  let current: FileState | null = null;
  let lineDrawn = false;
  let lastDrawAt = 0;
  let releaseLogLines: (() => void) | null = null;

  const draw = (state: FileState, complete: boolean): void => {
    stream.write(`${CLEAR_LINE}${barLine(state, complete, (stream.columns || 80) - 1)}`);
    lineDrawn = true;
    lastDrawAt = Date.now();
  };
  const writeLogLine = (line: string): void => {
    if (lineDrawn) stream.write(CLEAR_LINE);
    lineDrawn = false;
    stream.write(line);
    if (current !== null) draw(current, false);
  };
  const finishFile = (): void => {
    if (current === null) return;
    draw(current, true);
    stream.write('\n');
    lineDrawn = false;
    current = null;
  };

  const onSignal = (signal: NodeJS.Signals): void => {
    giveBack();
    // No other handler (the writers' one releases the lock and exits): end as the signal would have.
    if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
  };
  const onExit = (): void => giveBack();
  const takeTerminal = (): void => {
    if (releaseLogLines !== null) return;
    stream.write(HIDE_CURSOR);
    releaseLogLines = takeLogLines(writeLogLine);
    process.prependOnceListener('SIGINT', onSignal);
    process.prependOnceListener('SIGTERM', onSignal);
    process.once('exit', onExit);
    activeBars.add(giveBack);
  };
  /** Leaves the bar as drawn on its own line, shows the cursor, turns line wrap on, stops taking log lines. */
  function giveBack(): void {
    if (releaseLogLines === null) return;
    if (lineDrawn) stream.write('\n');
    lineDrawn = false;
    current = null;
    stream.write(`${SHOW_CURSOR}${WRAP_ON}`);
    releaseLogLines();
    releaseLogLines = null;
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
    process.removeListener('exit', onExit);
    activeBars.delete(giveBack);
  }

  return {
    update(progress) {
      if (current === null || current.file !== progress.file) {
        finishFile();
        takeTerminal();
        current = { ...progress, startedAt: Date.now() };
        draw(current, false);
        return;
      }
      Object.assign(current, progress);
      if (Date.now() - lastDrawAt >= REDRAW_MS) draw(current, false);
    },
    stop() {
      finishFile();
      giveBack();
    },
  };
}

/** `day.csv [=====-----] 42% | 1200 records | 35000 rec/s | ETA 3s` (the file's name without its folder), cut to the terminal's width. */
function barLine(state: FileState, complete: boolean, columns: number): string {
  const share = complete ? 1 : state.bytesTotal > 0 ? Math.min(state.bytesRead / state.bytesTotal, 1) : 0;
  // 100% only once the file is read: a share that rounds up to it is still 99%.
  const percent = complete ? 100 : Math.min(Math.floor(share * 100), 99);
  const filled = Math.round(share * BAR_WIDTH);
  const seconds = Math.max((Date.now() - state.startedAt) / 1000, 0.001);
  const rate = seconds < 0.5 && !complete ? '-' : String(Math.round(state.records / seconds));
  const eta = complete ? '0s' : share > 0 ? formatSeconds((seconds * (1 - share)) / share) : '-';
  const figures = ` [${'='.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}] ${percent}% | ${state.records} records | ${rate} rec/s | ETA ${eta}`;
  // A long file name is cut, not the figures.
  const room = columns - displayWidth(figures);
  const name = basename(state.file);
  const file = displayWidth(name) <= room ? name : `${cutToWidth(name, Math.max(room - 1, 0))}…`;
  return cutToWidth(`${file}${figures}`, Math.max(columns, 10));
}

function formatSeconds(seconds: number): string {
  const whole = Math.ceil(seconds);
  if (whole < 60) return `${whole}s`;
  if (whole < 3600) return `${Math.floor(whole / 60)}m${String(whole % 60).padStart(2, '0')}s`;
  return `${Math.floor(whole / 3600)}h${String(Math.floor((whole % 3600) / 60)).padStart(2, '0')}m`;
}

/** At most `columns` terminal columns (a wide character takes two), so the bar never wraps. */
function cutToWidth(text: string, columns: number): string {
  if (displayWidth(text) <= columns) return text;
  let out = '';
  for (const character of text) {
    if (displayWidth(out + character) > columns) break;
    out += character;
  }
  return out;
}
