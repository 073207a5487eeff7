import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { InputEncoding } from './csvRecords';

export interface FileFacts {
  sha256: string;
  bytes: number;
  /** The encoding to read the file with: UTF-8 when every byte sequence is valid UTF-8, else CP932. */
  detectedEncoding: InputEncoding;
}

/**
 * One streaming pass over a file: its content hash (the identity of a delivery, whatever its
 * name) and whether it is valid UTF-8. A CP932 file with Japanese text is almost never valid
 * UTF-8, so that test tells the two apart; pure ASCII reads the same either way.
 */
export async function readFileFacts(path: string): Promise<FileFacts> {
  const hash = createHash('sha256');
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let validUtf8 = true;
  let bytes = 0;
  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
    hash.update(chunk);
    bytes += chunk.length;
    if (validUtf8) {
      try {
        decoder.decode(chunk, { stream: true });
      } catch {
        validUtf8 = false;
      }
    }
  }
  if (validUtf8) {
    try {
      decoder.decode();
    } catch {
      validUtf8 = false;
    }
  }
  return { sha256: hash.digest('hex'), bytes, detectedEncoding: validUtf8 ? 'utf8' : 'cp932' };
}
