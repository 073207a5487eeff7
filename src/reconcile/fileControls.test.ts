import { checkFileControls, FileControls } from './fileControls';

const FILE: FileControls = {
  fileId: 1,
  name: 'day.csv',
  recordsRead: 10,
  accepted: 7,
  rejected: 2,
  duplicates: 1,
  recycled: 0,
  skipped: 0,
  callRows: 7,
  rejectRows: 2,
  duplicateRows: 1,
  recycledRows: 0,
  skipRows: 0,
};

describe('checkFileControls', () => {
  test('read = accepted + rejected + duplicates + skipped, each backed by its rows: no difference', () => {
    expect(checkFileControls([FILE]).filter((detail) => detail.kind === 'difference')).toEqual([]);
  });

  test('control totals that do not add up, or rows that do not match them, are differences', () => {
    const messages = checkFileControls([
      { ...FILE, recordsRead: 11 },
      { ...FILE, fileId: 2, accepted: 8, rejected: 1 },
    ])
      .filter((detail) => detail.kind === 'difference')
      .map((detail) => detail.message);
    expect(messages).toEqual([
      'file 1 (day.csv): records_read 11 but accepted 7 + rejected 2 + duplicates 1 + skipped 0 = 10',
      'file 2 (day.csv): accepted 8 but the calls table holds 7 rows of the file',
      'file 2 (day.csv): rejected 1 but the rejects table holds 2 rows of the file',
    ]);
  });

  test('skipped records are the fourth bucket: counted in the identity and backed by the skips rows', () => {
    const skipping = { ...FILE, recordsRead: 13, skipped: 3, skipRows: 3 };
    expect(checkFileControls([skipping]).filter((detail) => detail.kind === 'difference')).toEqual([]);
    expect(checkFileControls([skipping])[0]!.message).toBe(
      "1 file, 13 records read (3 skipped as not calls), each file's read = accepted + rejected + duplicates + skipped checked against its rows",
    );
    const messages = checkFileControls([
      { ...skipping, skipRows: 2 },
      { ...skipping, fileId: 2, skipped: 2, skipRows: 2 },
    ])
      .filter((detail) => detail.kind === 'difference')
      .map((detail) => detail.message);
    expect(messages).toEqual([
      'file 1 (day.csv): skipped 3 but the skips table holds 2 rows of the file',
      'file 2 (day.csv): records_read 13 but accepted 7 + rejected 2 + duplicates 1 + skipped 2 = 12',
    ]);
  });
});

describe('checkFileControls after recycle', () => {
  test('recycled rejects are among accepted; the count must match the recycled table', () => {
    // 10 read = 8 accepted (1 of them recycled) + 1 rejected + 1 duplicate
    const recycled: FileControls = {
      ...FILE,
      accepted: 8,
      rejected: 1,
      recycled: 1,
      callRows: 8,
      rejectRows: 1,
      recycledRows: 1,
    };
    expect(checkFileControls([recycled])).toEqual([
      {
        kind: 'information',
        message:
          "1 file, 10 records read (1 rejects recycled since, among accepted), each file's read = accepted + rejected + duplicates + skipped checked against its rows",
      },
    ]);
    expect(
      checkFileControls([{ ...recycled, recycledRows: 0 }]).filter((detail) => detail.kind === 'difference'),
    ).toEqual([
      { kind: 'difference', message: 'file 1 (day.csv): recycled 1 but the recycled table holds 0 rows of the file' },
    ]);
  });
});
