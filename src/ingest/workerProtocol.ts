import type { PostedError } from '../threads/postedError';
import { InputEncoding } from '../input/csvRecords';
import { ProfileFile } from '../input/profile';
import { ReadFacts } from '../input/inputFile';
import { PackedStreams } from './packedBatch';
import { PortableReference } from './portableReference';

/** What an ingest worker is started with (its workerData). */
export interface ParseJob {
  path: string;
  encoding: InputEncoding | undefined;
  profile: { file: ProfileFile; origin: string } | null;
  reference: PortableReference;
  /** Batches the worker may post before the main thread has taken them. */
  credits: number;
}

/** Worker → main, in this order: header (the file is not refused), batches, then end; or error at any point. */
export type WorkerMessage =
  | { type: 'header' }
  | { type: 'batch'; packed: PackedStreams; bytesRead: number }
  | { type: 'end'; facts: ReadFacts; encoding: InputEncoding }
  | { type: 'error'; error: PostedError };

/** Main → worker: a batch was taken: one more may be posted. */
export type MainMessage = { type: 'ack' };
