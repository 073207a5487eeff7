/** The canonical CDR columns (spec §2). Header names are matched case-insensitively, in any order. */
export const CDR_COLUMNS = ['record_id', 'contract_id', 'number', 'direction', 'peer', 'start', 'duration'] as const;
export type CdrColumn = (typeof CDR_COLUMNS)[number];

export type ColumnPositions = Record<CdrColumn, number>;

export type HeaderResult = { ok: true; positions: ColumnPositions; width: number } | { ok: false; message: string };

export function readHeader(headerFields: string[]): HeaderResult {
  const names = headerFields.map((field) => field.trim().toLowerCase());
  const positions: Partial<ColumnPositions> = {};
  const missing: string[] = [];
  const repeated: string[] = [];
  for (const column of CDR_COLUMNS) {
    const first = names.indexOf(column);
    if (first < 0) missing.push(column);
    else if (names.indexOf(column, first + 1) >= 0) repeated.push(column);
    positions[column] = first;
  }
  if (missing.length > 0) {
    // Not one canonical name: most likely no header at all, a switch's own layout read without its profile.
    const hint =
      missing.length === CDR_COLUMNS.length
        ? "; a file in a switch's own layout (no canonical header) needs --profile NAME (meisai profiles check lists them)"
        : '';
    return {
      ok: false,
      message: `the header lacks the required column${missing.length > 1 ? 's' : ''} ${missing.join(', ')} (found: ${names.join(', ')})${hint}`,
    };
  }
  if (repeated.length > 0) return { ok: false, message: `the header names ${repeated.join(', ')} more than once` };
  return { ok: true, positions: positions as ColumnPositions, width: names.length };
}
