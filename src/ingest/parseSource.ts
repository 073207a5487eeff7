import { ConfigurationError } from '../errors';
import { InputEncoding } from '../input/csvRecords';
import { InputFile, ReadFacts } from '../input/inputFile';
import { InputProfile } from '../input/profile';
import { ReferenceData } from '../reference/referenceData';
import { readItems, StreamReader } from './packedBatch';
import { ParsedBatch, parseFile } from './parseStage';
import { portableReference } from './portableReference';
import { recordFramer } from './recordFramer';
import { moduleWorker } from '../threads/moduleWorker';
import { rebuiltError } from '../threads/postedError';
import { WorkerInbox } from '../threads/workerInbox';
import { MainMessage, ParseJob, WorkerMessage } from './workerProtocol';

/** Where the pure stages of ingest run: `auto` puts a file of WORKER_MIN_BYTES or more in a worker thread. */
export type ParseIn = 'auto' | 'worker' | 'thread';

/**
 * Below this size a file is parsed on the main thread: starting a worker (a thread, its modules,
 * the reference data compiled again: ~40 ms here) costs more than the overlap wins back.
 */
export const WORKER_MIN_BYTES = 1 << 20;

/** Batches a worker may run ahead of the main thread (each is one 64 KiB read, parsed). */
const WORKER_CREDITS = 4;

/**
 * A file's records, parsed (framed, mapped, validated, classified, rated), a batch at a time,
 * once its header was accepted; then what the bytes read were. The caller totals the calls it
 * bills: the parse never sums anything.
 */
export interface ParseSource {
  next(): Promise<ParsedBatch | null>;
  finish(): Promise<{ facts: ReadFacts; encoding: InputEncoding }>;
  close(): Promise<void>;
}

export interface ParseRequest {
  encoding: InputEncoding | undefined;
  profile: InputProfile | undefined;
  parseIn: ParseIn | undefined;
}

/** MEISAI_INGEST_WORKER (auto, worker, thread) unless the caller says. */
function configuredParseIn(request: ParseRequest): ParseIn {
  if (request.parseIn !== undefined) return request.parseIn;
  const configured = process.env.MEISAI_INGEST_WORKER;
  if (configured === undefined || configured === '' || configured === 'auto') return 'auto';
  if (configured === 'worker' || configured === 'thread') return configured;
  throw new ConfigurationError(
    `MEISAI_INGEST_WORKER is ${JSON.stringify(configured)}: expected auto, worker or thread`,
  );
}

/** Opens the parse of a file; a file whose header is refused throws here, before anything is written. */
export async function openParseSource(
  file: InputFile,
  reference: ReferenceData,
  request: ParseRequest,
): Promise<ParseSource> {
  const parseIn = configuredParseIn(request);
  if (parseIn === 'thread' || (parseIn === 'auto' && file.size < WORKER_MIN_BYTES))
    return threadSource(file, reference, request);
  return workerSource(file.path, reference, request);
}

async function threadSource(file: InputFile, reference: ReferenceData, request: ParseRequest): Promise<ParseSource> {
  const framer = recordFramer(request.encoding, request.profile);
  const batches = await parseFile(file, framer, reference, request.profile);
  return {
    next: async () => {
      const next = await batches.next();
      return next.done ? null : next.value;
    },
    finish: async () => ({ facts: await file.finish(), encoding: framer.encoding }),
    close: async () => {
      await batches.return(undefined);
    },
  };
}

async function workerSource(path: string, reference: ReferenceData, request: ParseRequest): Promise<ParseSource> {
  const profile = request.profile === undefined ? null : { file: request.profile.file, origin: request.profile.origin };
  const worker = moduleWorker(__dirname, __filename, 'parseWorker', {
    path,
    encoding: request.encoding,
    profile,
    reference: portableReference(reference),
    credits: WORKER_CREDITS,
  } satisfies ParseJob);
  const inbox = new WorkerInbox<WorkerMessage>(worker, 'the ingest worker');
  const close = (): Promise<void> => inbox.stop();
  const receive = async (): Promise<WorkerMessage> => {
    const message = await inbox.next();
    if (message.type === 'error') throw rebuiltError(message.error);
    return message;
  };
  const unexpected = (message: WorkerMessage): Error => new Error(`the ingest worker sent ${message.type} out of turn`);

  const reader = new StreamReader();
  let ended = false;
  try {
    const first = await receive();
    if (first.type !== 'header') throw unexpected(first);
  } catch (error) {
    await close();
    throw error;
  }
  /** The message after the batches, once `next` has seen it. */
  let after: WorkerMessage | null = null;
  return {
    next: async () => {
      if (after !== null) return null;
      const message = await receive();
      if (message.type !== 'batch') {
        after = message;
        return null;
      }
      worker.postMessage({ type: 'ack' } satisfies MainMessage);
      return { items: readItems(reader, message.packed), bytesRead: message.bytesRead };
    },
    finish: async () => {
      if (after === null || ended) throw new Error('the ingest worker has not finished the file');
      ended = true;
      if (after.type !== 'end') throw unexpected(after);
      await close();
      return { facts: after.facts, encoding: after.encoding };
    },
    close,
  };
}
