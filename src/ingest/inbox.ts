import { Dirent, readdirSync, realpathSync, statSync } from 'node:fs';
import { join, sep } from 'node:path';
import { ConfigurationError } from '../errors';
import { describeErrno } from '../input/inputFile';

export interface InboxListing {
  /** The files to ingest, by name. */
  files: string[];
  /** Entries that look like deliveries but cannot be taken: each is reported, and the run fails. */
  skipped: { path: string; reason: string }[];
}

/**
 * The files of an inbox folder, by name (hidden names and sub-folders left alone). A symlink is
 * taken only when it resolves to a regular file inside the inbox (or anywhere with
 * `followSymlinks`); a dangling or looping link, a link out of the inbox, a FIFO or a device is
 * skipped with its reason, so that the valid files are still ingested.
 */
export function listInbox(directory: string, options: { followSymlinks: boolean }): InboxListing {
  let entries: Dirent[];
  let inboxPath: string;
  try {
    entries = readdirSync(directory, { withFileTypes: true });
    inboxPath = realpathSync(directory);
  } catch (error) {
    throw new ConfigurationError(`cannot read the inbox ${directory}: ${describeErrno(error)}`);
  }
  const listing: InboxListing = { files: [], skipped: [] };
  for (const entry of entries
    .filter((candidate) => !candidate.name.startsWith('.'))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const path = join(directory, entry.name);
    if (entry.isFile()) listing.files.push(path);
    else if (entry.isSymbolicLink()) {
      const reason = symlinkProblem(path, inboxPath, options.followSymlinks);
      if (reason === null) listing.files.push(path);
      else listing.skipped.push({ path, reason });
    } else if (!entry.isDirectory())
      listing.skipped.push({ path, reason: 'not a regular file (a FIFO, socket or device)' });
  }
  return listing;
}

function symlinkProblem(path: string, inboxPath: string, followSymlinks: boolean): string | null {
  let target: string;
  try {
    target = realpathSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return 'a dangling symlink (its target does not exist)';
    if (code === 'ELOOP') return 'a symlink loop';
    return `an unreadable symlink: ${describeErrno(error)}`;
  }
  if (!followSymlinks && !target.startsWith(`${inboxPath}${sep}`)) {
    return 'a symlink to a file outside the inbox, not followed (--follow-symlinks follows it)';
  }
  try {
    if (!statSync(target).isFile()) return 'a symlink to something that is not a regular file';
  } catch (error) {
    return `an unreadable symlink: ${describeErrno(error)}`;
  }
  return null;
}
