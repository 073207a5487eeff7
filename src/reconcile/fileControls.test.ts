import { checkFileControls, FileControls } from './fileControls';

const FILE: FileControls = { fileId: 1, name: 'day.csv', recordsRead: 10, accepted: 7, rejected: 2, duplicates: 1, callRows: 7, rejectRows: 2, duplicateRows: 1 };

describe('checkFileControls', () => {
  test('read = accepted + rejected + duplicates, each backed by its rows: no difference', () => {
    expect(checkFileControls([FILE]).filter((detail) => detail.kind === 'difference')).toEqual([]);
  });

  test('control totals that do not add up, or rows that do not match them, are differences', () => {
    const messages = checkFileControls([{ ...FILE, recordsRead: 11 }, { ...FILE, fileId: 2, accepted: 8, rejected: 1 }])
      .filter((detail) => detail.kind === 'difference')
      .map((detail) => detail.message);
    expect(messages).toEqual([
      'file 1 (day.csv): records_read 11 but accepted 7 + rejected 2 + duplicates 1 = 10',
      'file 2 (day.csv): accepted 8 but the calls table holds 7 rows of the file',
      'file 2 (day.csv): rejected 1 but the rejects table holds 2 rows of the file',
    ]);
  });
});
