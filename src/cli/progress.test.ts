import { createLogger, logLinesTaken } from './logger';
import { createIngestProgress } from './progress';

/** A terminal on stderr that records everything written to it, escape sequences included. */
function fakeTerminal(columns = 200) {
  const written: string[] = [];
  const stream = {
    isTTY: true,
    columns,
    rows: 24,
    write(chunk: string | Uint8Array) {
      written.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      return true;
    },
    cursorTo(x: number, _y?: number, callback?: () => void) {
      written.push(`\x1b[${x + 1}G`);
      callback?.();
      return true;
    },
    clearLine(_direction: number, callback?: () => void) {
      written.push('\x1b[2K');
      callback?.();
      return true;
    },
    moveCursor(_dx: number, _dy: number, callback?: () => void) {
      callback?.();
      return true;
    },
    on() {
      return stream;
    },
    once() {
      return stream;
    },
    removeListener() {
      return stream;
    },
  };
  return { stream: stream as unknown as NodeJS.WriteStream, output: () => written.join('') };
}

const SHOW_CURSOR = '\x1b[?25h';
const HIDE_CURSOR = '\x1b[?25l';
const WRAP_ON = '\x1b[?7h';

/** The frames the bar drew, in order (the text between control sequences that mentions a percentage). */
function frames(output: string): string[] {
  return output.split(/\x1b\[[0-9;?]*[A-Za-z]|\x1b[78]|\r|\n/).filter((text) => /\d+%/.test(text));
}

describe('the ingest progress bar on a terminal', () => {
  const previousLevel = process.env.MEISAI_LOG_LEVEL;
  afterEach(() => {
    process.env.MEISAI_LOG_LEVEL = previousLevel;
  });

  test('ends at 100% even when the last update counted fewer bytes than the file has, and shows the cursor again', () => {
    const { stream, output } = fakeTerminal();
    const progress = createIngestProgress(stream);
    progress.update({ file: 'day.csv', records: 10, bytesRead: 100, bytesTotal: 1000 });
    progress.update({ file: 'day.csv', records: 900, bytesRead: 960, bytesTotal: 1000 });
    progress.stop();
    const text = output();
    expect(text).toContain(HIDE_CURSOR);
    expect(frames(text).at(-1)).toContain('day.csv');
    expect(frames(text).at(-1)).toContain('100%');
    expect(frames(text).at(-1)).toContain('900 records');
    expect(text.lastIndexOf(SHOW_CURSOR)).toBeGreaterThan(text.lastIndexOf(HIDE_CURSOR));
  });

  test("each file's bar ends at 100% before the next file's starts", () => {
    const { stream, output } = fakeTerminal();
    const progress = createIngestProgress(stream);
    progress.update({ file: 'a.csv', records: 5, bytesRead: 50, bytesTotal: 200 });
    progress.update({ file: 'b.csv', records: 1, bytesRead: 10, bytesTotal: 300 });
    progress.stop();
    const drawn = frames(output());
    const lastOfA = drawn.filter((frame) => frame.includes('a.csv')).at(-1);
    expect(lastOfA).toContain('100%');
    expect(drawn.at(-1)).toContain('b.csv');
    expect(drawn.at(-1)).toContain('100%');
  });

  test('a log line written while the bar is drawn is printed whole on its own line, not erased, and the bar is drawn again below it', () => {
    process.env.MEISAI_LOG_LEVEL = 'info';
    const { stream, output } = fakeTerminal(80);
    const progress = createIngestProgress(stream);
    progress.update({ file: 'day.csv', records: 10, bytesRead: 100, bytesTotal: 1000 });
    const message = `a long log line that is wider than the terminal: ${'x'.repeat(120)}`;
    createLogger().warn({ event: 'test' }, message);
    const beforeStop = output();
    progress.update({ file: 'day.csv', records: 20, bytesRead: 200, bytesTotal: 1000 });
    progress.stop();
    const text = output();
    const logAt = text.indexOf('{"level":40');
    expect(logAt).toBeGreaterThan(-1);
    const logLine = text.slice(logAt, text.indexOf('\n', logAt) + 1);
    expect(JSON.parse(logLine)).toMatchObject({ msg: message, event: 'test' });
    // The bar's line was cleared (carriage return, erase line) just before the log line, and line
    // wrap was never turned off, so the line shows whole.
    expect(text.slice(0, logAt).endsWith('\r\x1b[2K')).toBe(true);
    expect(text.lastIndexOf('\x1b[?7l', logAt)).toBe(-1);
    // Nothing after the log line moves the cursor up over it: the bar is redrawn on the next line.
    expect(text.slice(logAt)).not.toMatch(/\x1b\[\d*A/);
    expect(frames(beforeStop.slice(logAt)).length).toBeGreaterThan(0);
  });

  test('after the bar stops, log lines go to stderr as before, untouched', () => {
    process.env.MEISAI_LOG_LEVEL = 'info';
    const { stream, output } = fakeTerminal();
    const progress = createIngestProgress(stream);
    progress.update({ file: 'day.csv', records: 10, bytesRead: 100, bytesTotal: 1000 });
    progress.stop();
    expect(logLinesTaken()).toBe(false);
    const before = output();
    process.env.MEISAI_LOG_LEVEL = 'silent'; // the line goes to the real fd 2 now: keep the test output clean
    createLogger().info('after the bar');
    expect(output()).toBe(before);
  });

  test('SIGINT while the bar is drawn shows the cursor and turns line wrap back on before the run exits', () => {
    const { stream, output } = fakeTerminal();
    const progress = createIngestProgress(stream);
    // The writer's own handler (withWriterStore releases the lock and exits) stands in as a no-op here.
    const writerHandler = jest.fn();
    process.on('SIGINT', writerHandler);
    try {
      progress.update({ file: 'day.csv', records: 10, bytesRead: 100, bytesTotal: 1000 });
      expect(output()).toContain(HIDE_CURSOR);
      process.emit('SIGINT', 'SIGINT');
      const text = output();
      expect(text.lastIndexOf(SHOW_CURSOR)).toBeGreaterThan(text.lastIndexOf(HIDE_CURSOR));
      expect(text.slice(text.lastIndexOf(HIDE_CURSOR))).toContain(WRAP_ON);
      expect(writerHandler).toHaveBeenCalled();
    } finally {
      process.removeListener('SIGINT', writerHandler);
      progress.stop();
    }
  });

  test('SIGTERM restores the terminal too', () => {
    const { stream, output } = fakeTerminal();
    const progress = createIngestProgress(stream);
    const writerHandler = jest.fn();
    process.on('SIGTERM', writerHandler);
    try {
      progress.update({ file: 'day.csv', records: 10, bytesRead: 100, bytesTotal: 1000 });
      process.emit('SIGTERM', 'SIGTERM');
      const text = output();
      expect(text.lastIndexOf(SHOW_CURSOR)).toBeGreaterThan(text.lastIndexOf(HIDE_CURSOR));
    } finally {
      process.removeListener('SIGTERM', writerHandler);
      progress.stop();
    }
  });

  test('not a terminal: nothing is drawn', () => {
    const { stream, output } = fakeTerminal();
    (stream as { isTTY: boolean }).isTTY = false;
    const progress = createIngestProgress(stream);
    progress.update({ file: 'day.csv', records: 10, bytesRead: 100, bytesTotal: 1000 });
    progress.stop();
    expect(output()).toBe('');
  });
});
