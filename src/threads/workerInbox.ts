import type { Worker } from 'node:worker_threads';

/**
 * The messages a worker thread posts, in order, and its failure: an error it threw outside its
 * own handling, or an end before `stop`. The main thread takes them when it is ready for them.
 */
export class WorkerInbox<Message> {
  private readonly queue: Message[] = [];
  private failure: Error | null = null;
  private waiting: (() => void) | null = null;
  private stopped = false;

  constructor(
    readonly worker: Worker,
    what: string,
  ) {
    worker.on('message', (message: Message) => {
      this.queue.push(message);
      this.wake();
    });
    worker.on('error', (error: Error) => {
      this.failure ??= error;
      this.wake();
    });
    worker.on('exit', (code) => {
      if (!this.stopped) this.failure ??= new Error(`${what} stopped unexpectedly (exit code ${code})`);
      this.wake();
    });
  }

  /** The next message, once it has come; the worker's failure if it ends first. */
  async next(): Promise<Message> {
    for (;;) {
      const message = this.queue.shift();
      if (message !== undefined) return message;
      if (this.failure !== null) throw this.failure;
      await new Promise<void>((resolve) => (this.waiting = resolve));
    }
  }

  /** The messages come so far, not taken (after letting the worker's messages in); the worker's failure if it ended. */
  async arrived(): Promise<Message[]> {
    await new Promise<void>((resolve) => setImmediate(resolve));
    if (this.queue.length === 0 && this.failure !== null) throw this.failure;
    return this.queue;
  }

  /** Ends the worker (its work done, or given up). */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await this.worker.terminate();
  }

  private wake(): void {
    const resolve = this.waiting;
    this.waiting = null;
    resolve?.();
  }
}
