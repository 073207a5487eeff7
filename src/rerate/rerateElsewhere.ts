import type { Worker } from 'node:worker_threads';
import { PortableReference, portableReference } from '../ingest/portableReference';
import { ReferenceData } from '../reference/referenceData';
import type { CallShare, Rerating, StoreWriter } from '../store/types';
import { moduleWorker } from '../threads/moduleWorker';
import { PostedError, rebuiltError } from '../threads/postedError';
import type { ExportedTally } from './planRerate';

/** What the re-rate worker is given. */
export interface ShareJob {
  share: CallShare;
  reference: PortableReference;
  credits: number;
}

/** Worker → main: a batch's re-ratings to write (acknowledged once written), then the tally, or the error it ended with. */
export type ShareMessage =
  | { type: 'reratings'; reratings: Rerating[] }
  | { type: 'done'; tally: ExportedTally }
  | { type: 'failed'; error: PostedError };

/** Batches of re-ratings the worker may have posted and not yet seen written: memory stays flat when most calls change. */
const CREDITS = 4;

/**
 * The worker's young generation (V8's default is 48 MB at most): its batches die young, and the
 * smaller space keeps a month-wide re-rate under 256 MB (1M calls, 4 runs each: peak RSS 231-237
 * MB against 248-300, the same wall time).
 */
const WORKER_YOUNG_GENERATION_MB = 24;

/**
 * A share of the month re-rated in a worker thread (rerateWorker.ts) while this thread re-rates
 * its own: the worker reads and re-rates, this thread writes what it posts (the store has one
 * writer) between batches of its own (`writeWaiting`), then the rest and its tally (`finish`).
 */
export class RerateElsewhere {
  private readonly worker: Worker;
  private readonly queue: ShareMessage[] = [];
  private failure: Error | null = null;
  private waiting: (() => void) | null = null;
  private ended = false;

  constructor(share: CallShare, reference: ReferenceData) {
    this.worker = moduleWorker(
      __dirname,
      __filename,
      'rerateWorker',
      { share, reference: portableReference(reference), credits: CREDITS } satisfies ShareJob,
      { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB },
    );
    this.worker.on('message', (message: ShareMessage) => {
      this.queue.push(message);
      this.wake();
    });
    this.worker.on('error', (error: Error) => {
      this.failure ??= error;
      this.wake();
    });
    this.worker.on('exit', (code) => {
      if (!this.ended) this.failure ??= new Error(`the re-rate worker stopped unexpectedly (exit code ${code})`);
      this.wake();
    });
  }

  /** Writes the re-ratings the worker has posted so far (after letting its messages in). */
  async writeWaiting(writer: StoreWriter): Promise<void> {
    await new Promise<void>((resolve) => setImmediate(resolve));
    for (let next = this.queue[0]; next?.type === 'reratings'; next = this.queue[0]) {
      this.queue.shift();
      await this.write(writer, next);
    }
    this.throwIfFailed();
  }

  /** Writes the rest of the worker's re-ratings; its tally. */
  async finish(writer: StoreWriter): Promise<ExportedTally> {
    for (;;) {
      const message = this.queue.shift();
      if (message === undefined) {
        this.throwIfFailed();
        await new Promise<void>((resolve) => (this.waiting = resolve));
      } else if (message.type === 'reratings') {
        await this.write(writer, message);
      } else if (message.type === 'failed') {
        throw rebuiltError(message.error);
      } else {
        await this.stop();
        return message.tally;
      }
    }
  }

  /** Ends the worker (done, or the re-rate failed). */
  async stop(): Promise<void> {
    if (this.ended) return;
    this.ended = true;
    await this.worker.terminate();
  }

  private async write(writer: StoreWriter, message: Extract<ShareMessage, { type: 'reratings' }>): Promise<void> {
    await writer.applyReratings(message.reratings);
    this.worker.postMessage('ack');
  }

  private throwIfFailed(): void {
    const failed = this.queue.find((message) => message.type === 'failed');
    if (failed?.type === 'failed') throw rebuiltError(failed.error);
    if (this.failure !== null) throw this.failure;
  }

  private wake(): void {
    const resolve = this.waiting;
    this.waiting = null;
    resolve?.();
  }
}
