import { setFlagsFromString } from 'node:v8';

/**
 * V8 flags meisai sets for itself at start-up, so that an ingest stays within the 256 MB of
 * issue 20 without the user passing node flags. V8 reads this one at every full collection, so
 * setting it at run time works for the main thread's heap already made and for the ingest's
 * parse worker started later:
 *
 * - `--heap-growing-percent=50`: after each full collection the old space may grow to 1.5 times
 *   what survived, where V8's own heuristic allows up to 4 times (2M-CDR ingest: the main
 *   thread's old space grew to 60–90 MB between collections with 25–28 MB live). 20 (the first
 *   try) cut as much memory but cost about a quarter more CPU in full collections; 50 cost none
 *   measurable. The young generation is left alone: smaller semi-spaces promoted the parse
 *   worker's batches to its old space and cost CPU.
 *
 * A flag the user gave node (on its command line or in NODE_OPTIONS) is left as given.
 */
export const HEAP_BOUNDS: readonly HeapBound[] = [{ flag: '--heap-growing-percent', value: 50 }];

interface HeapBound {
  flag: string;
  value: number;
}

/** The flags of HEAP_BOUNDS that `userFlags` (node's execArgv and NODE_OPTIONS) do not already set. */
export function heapFlagsToSet(userFlags: readonly string[]): string[] {
  const given = (flag: string): boolean =>
    userFlags.some((argument) => {
      const name = argument.split('=')[0]!.replaceAll('_', '-');
      return name === flag || name === `--no-${flag.slice(2)}`;
    });
  return HEAP_BOUNDS.filter((bound) => !given(bound.flag)).map((bound) => `${bound.flag}=${bound.value}`);
}

/** Sets the heap bounds the user did not set; returns the flags it set. */
export function boundHeaps(execArgv: readonly string[], nodeOptions: string | undefined): string[] {
  const flags = heapFlagsToSet([...execArgv, ...(nodeOptions ?? '').split(/\s+/).filter((part) => part !== '')]);
  for (const flag of flags) setFlagsFromString(flag);
  return flags;
}
