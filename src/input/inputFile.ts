import { createHash } from 'node:crypto';
import { constants, Stats } from 'node:fs';
import { FileHandle, open } from 'node:fs/promises';
import { RunFailedError } from '../errors';

/** Bytes read at a time: large reads keep the per-chunk cost negligible. */
const READ_CHUNK_BYTES = 1 << 16;

/** What the bytes handed out by `chunks()` were: the identity of a delivery, whatever its name. */
export interface ReadFacts {
  sha256: string;
  bytes: number;
}

/**
 * A CDR file opened for one read: only a regular file is accepted (a FIFO, a device, a folder is
 * refused at once, without blocking on a FIFO that has no writer). `chunks()` reads it from the
 * start and hashes exactly the bytes it hands out, so the hash, the size and the records come
 * from the same bytes; `finish()` then refuses a file that changed while it was read.
 */
export class InputFile {
  private hash = createHash('sha256');
  private bytesRead = 0;

  private constructor(
    readonly path: string,
    private readonly handle: FileHandle,
    private readonly opened: Stats,
  ) {}

  static async open(path: string): Promise<InputFile> {
    let handle: FileHandle;
    try {
      // O_NONBLOCK: opening a FIFO must not wait for a writer (it is refused just below).
      handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
    } catch (error) {
      throw new RunFailedError(`cannot read ${path}: ${describeErrno(error)}`);
    }
    const stats = await handle.stat();
    if (!stats.isFile()) {
      await handle.close();
      const folderHint = stats.isDirectory() ? ` (to take the files of a folder: --inbox ${path})` : '';
      throw new RunFailedError(
        `${path}: refused: not a regular file (${fileKind(stats)}); only regular files are ingested${folderHint}`,
      );
    }
    return new InputFile(path, handle, stats);
  }

  /** The file's size when it was opened. */
  get size(): number {
    return this.opened.size;
  }

  /** The sha256 of the whole file, read once from the start (without touching what `chunks()` hashes). */
  async contentHash(): Promise<string> {
    const hash = createHash('sha256');
    for await (const chunk of this.read()) hash.update(chunk);
    return hash.digest('hex');
  }

  /** The file from its start, 64 KiB at a time; every byte handed out is hashed. */
  async *chunks(): AsyncGenerator<Buffer> {
    for await (const chunk of this.read()) {
      this.hash.update(chunk);
      this.bytesRead += chunk.length;
      yield chunk;
    }
  }

  /**
   * The hash and size of the bytes `chunks()` handed out, once it has ended. A file whose size or
   * modification time differs from when it was opened, or whose bytes read differ from its size,
   * changed under the reader: refused, so that its records are not applied under a hash of other bytes.
   */
  async finish(): Promise<ReadFacts> {
    const now = await this.handle.stat();
    if (now.size !== this.opened.size || now.mtimeMs !== this.opened.mtimeMs || this.bytesRead !== now.size) {
      throw new RunFailedError(
        `${this.path}: refused, nothing applied: the file changed while it was read ` +
          `(${this.opened.size} bytes when opened, ${this.bytesRead} read, ${now.size} now); deliver it again once it is complete`,
      );
    }
    return { sha256: this.hash.digest('hex'), bytes: this.bytesRead };
  }

  async close(): Promise<void> {
    await this.handle.close();
  }

  private async *read(): AsyncGenerator<Buffer> {
    for (let position = 0; ;) {
      const buffer = Buffer.allocUnsafe(READ_CHUNK_BYTES);
      let bytesRead: number;
      try {
        ({ bytesRead } = await this.handle.read(buffer, 0, READ_CHUNK_BYTES, position));
      } catch (error) {
        throw new RunFailedError(`reading ${this.path} failed: ${describeErrno(error)}`);
      }
      if (bytesRead === 0) return;
      position += bytesRead;
      yield bytesRead === READ_CHUNK_BYTES ? buffer : buffer.subarray(0, bytesRead);
    }
  }
}

function fileKind(stats: Stats): string {
  if (stats.isFIFO()) return 'a FIFO';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  if (stats.isDirectory()) return 'a folder';
  if (stats.isSocket()) return 'a socket';
  return 'not a file';
}

const ERRNO_WORDS: Record<string, string> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied',
  EISDIR: 'a folder',
  ELOOP: 'a symlink loop',
  EIO: 'input/output error',
};

/** `ENOENT (no such file)`: the code an operator can search for, and what it means. */
export function describeErrno(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === undefined) return (error as Error).message;
  return ERRNO_WORDS[code] === undefined ? code : `${code} (${ERRNO_WORDS[code]})`;
}
