import { parentPort, workerData } from 'node:worker_threads';
import { compilePortableReference } from '../ingest/portableReference';
import { readCallShare } from '../store/callShares';
import { postedError } from '../threads/postedError';
import { planRerate, RerateTally } from './planRerate';
import type { ShareJob, ShareMessage } from './rerateElsewhere';

/**
 * Re-rates a share of a month's calls in a worker thread (rerateElsewhere.ts): reads them on a
 * connection of its own, posts the re-ratings of each batch for the main thread to write (at most
 * `credits` unacknowledged), then its tally.
 */
const job = workerData as ShareJob;
const port = parentPort!;
let credits = job.credits;
let wake: (() => void) | null = null;
port.on('message', () => {
  credits += 1;
  wake?.();
  wake = null;
});

function post(message: ShareMessage): void {
  port.postMessage(message);
}

async function run(): Promise<void> {
  const reference = compilePortableReference(job.reference);
  const tally = new RerateTally();
  for await (const calls of readCallShare(job.share)) {
    const plan = planRerate(calls, reference);
    tally.add(calls.length, plan);
    if (plan.reratings.length === 0) continue;
    while (credits === 0) await new Promise<void>((resolve) => (wake = resolve));
    credits -= 1;
    post({ type: 'reratings', reratings: plan.reratings });
  }
  post({ type: 'done', tally: tally.exported() });
}

// The main thread ends the worker once it has the last message (the port keeps it alive until then).
run().catch((error: unknown) => post({ type: 'failed', error: postedError(error) }));
