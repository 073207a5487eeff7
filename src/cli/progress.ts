import { SingleBar } from 'cli-progress';

export interface IngestProgress {
  update(progress: { file: string; records: number; bytesRead: number; bytesTotal: number }): void;
  stop(): void;
}

/**
 * A progress bar (records, records/s, ETA) on stderr, only when a person watches a terminal;
 * cron jobs and pipes get nothing but the JSON logs.
 */
export function createIngestProgress(stream: NodeJS.WriteStream = process.stderr): IngestProgress {
  if (!stream.isTTY) return { update() {}, stop() {} };
  const bar = new SingleBar({
    stream,
    format: '{file} [{bar}] {percentage}% | {records} records | {rate} rec/s | ETA {eta_formatted}',
    hideCursor: true,
    clearOnComplete: true,
  });
  let current: string | null = null;
  let startedAt = Date.now();
  return {
    update(progress) {
      if (current !== progress.file) {
        if (current !== null) bar.stop();
        current = progress.file;
        startedAt = Date.now();
        bar.start(progress.bytesTotal, 0, { file: progress.file, records: 0, rate: 0 });
      }
      const seconds = Math.max((Date.now() - startedAt) / 1000, 0.001);
      bar.update(progress.bytesRead, { records: progress.records, rate: Math.round(progress.records / seconds) });
    },
    stop() {
      if (current !== null) bar.stop();
      current = null;
    },
  };
}
