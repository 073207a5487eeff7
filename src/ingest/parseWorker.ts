import { parentPort, workerData } from 'node:worker_threads';
import { postedError } from '../threads/postedError';
import { InputFile } from '../input/inputFile';
import { InputProfile } from '../input/profile';
import { StreamWriter, transferList, writeItem } from './packedBatch';
import { parseFile } from './parseStage';
import { recordFramer } from './recordFramer';
import { compilePortableReference } from './portableReference';
import { ParseJob, WorkerMessage, MainMessage } from './workerProtocol';

/**
 * The ingest worker: reads one file (hashing exactly the bytes it frames), frames, maps,
 * validates, classifies and rates its records, handing the main thread packed batches
 * (packedBatch.ts) while the main thread de-duplicates, totals and stores the previous ones. At most `job.credits` batches are in flight: the main thread acknowledges each
 * one it has taken, so a slow store never lets the worker read the whole file into memory.
 */
const port = parentPort!;
const job = workerData as ParseJob;

let credits = job.credits;
let wake: (() => void) | null = null;
port.on('message', (message: MainMessage) => {
  if (message.type === 'ack') {
    credits += 1;
    const waiting = wake;
    wake = null;
    waiting?.();
  }
});

/** Waits until the main thread has room for one more message, and takes it. */
async function credit(): Promise<void> {
  while (credits === 0) await new Promise<void>((resolve) => (wake = resolve));
  credits -= 1;
}

function post(message: WorkerMessage, transfer: ArrayBuffer[] = []): void {
  port.postMessage(message, transfer);
}

async function run(): Promise<void> {
  const reference = compilePortableReference(job.reference);
  const profile = job.profile === null ? undefined : new InputProfile(job.profile.file, job.profile.origin);
  const file = await InputFile.open(job.path);
  try {
    const framer = recordFramer(job.encoding, profile);
    const batches = await parseFile(file, framer, reference, profile);
    post({ type: 'header' });
    const writer = new StreamWriter();
    try {
      for (let next = await batches.next(); !next.done; next = await batches.next()) {
        const { items, bytesRead } = next.value;
        for (const item of items) writeItem(writer, item);
        await credit();
        const packed = writer.take();
        post({ type: 'batch', packed, bytesRead }, transferList(packed));
      }
    } finally {
      await batches.return(undefined);
    }
    const facts = await file.finish();
    post({ type: 'end', facts, encoding: framer.encoding });
  } finally {
    await file.close();
  }
}

// The main thread ends the worker once it has the last message (the port keeps it alive until then).
run().catch((error: unknown) => post({ type: 'error', error: postedError(error) }));
