import { PortableReference, portableReference } from '../ingest/portableReference';
import { ReferenceData } from '../reference/referenceData';
import type { CallShare, Rerating, StoreWriter } from '../store/types';
import { moduleWorker } from '../threads/moduleWorker';
import { PostedError, rebuiltError } from '../threads/postedError';
import { WorkerInbox } from '../threads/workerInbox';
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
  private readonly inbox: WorkerInbox<ShareMessage>;

  constructor(share: CallShare, reference: ReferenceData) {
    const worker = moduleWorker(
      __dirname,
      __filename,
      'rerateWorker',
      { share, reference: portableReference(reference), credits: CREDITS } satisfies ShareJob,
      { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB },
    );
    this.inbox = new WorkerInbox(worker, 'the re-rate worker');
  }

  /** Writes the re-ratings the worker has posted so far; its error, if it failed. */
  async writeWaiting(writer: StoreWriter): Promise<void> {
    const arrived = await this.inbox.arrived();
    while (arrived[0]?.type === 'reratings') await this.write(writer, arrived.shift()!);
    if (arrived[0]?.type === 'failed') throw rebuiltError(arrived[0].error);
  }

  /** Writes the rest of the worker's re-ratings; its tally. */
  async finish(writer: StoreWriter): Promise<ExportedTally> {
    for (;;) {
      const message = await this.inbox.next();
      if (message.type === 'failed') throw rebuiltError(message.error);
      if (message.type === 'done') {
        await this.stop();
        return message.tally;
      }
      await this.write(writer, message);
    }
  }

  /** Ends the worker (done, or the re-rate failed). */
  stop(): Promise<void> {
    return this.inbox.stop();
  }

  private async write(writer: StoreWriter, message: ShareMessage): Promise<void> {
    if (message.type !== 'reratings') throw new Error(`the re-rate worker sent ${message.type} out of turn`);
    await writer.applyReratings(message.reratings);
    this.inbox.worker.postMessage('ack');
  }
}
