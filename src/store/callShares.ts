import { readSqliteCallShare } from './sqlite/callShares';
import type { CallShare, StoredCall } from './types';

/**
 * The calls of a share StoreWriter.monthCallShares gave, read on a connection of the share's own
 * (in another thread): a batch at a time, each call as monthCallBatches gives it.
 */
export function readCallShare(share: CallShare): AsyncIterable<StoredCall[]> {
  return readSqliteCallShare(share);
}
