import { footingTable, row, statementFigures as statement } from '../test-support/figures';
import { footingProblems } from './footing';

const STRICT = { strictDurationText: true };

describe('footingProblems', () => {
  test('a table whose total is the sum of its rows and whose 着割 is within its charges foots', () => {
    expect(footingProblems(statement(footingTable()), STRICT)).toEqual([]);
  });

  test("a total duration that is not the sum of the call rows is a down problem, told in the statement's own figures", () => {
    const table = footingTable();
    table.total = row(3, 900 + 360_000, 32); // ten hours too many, as the seed prints
    expect(footingProblems(statement(table), STRICT)).toEqual([
      {
        table: null,
        row: 'total',
        field: 'duration',
        kind: 'down',
        message: 'its call rows add up to 0:01:30.0, its total row says 10:01:30.0',
      },
    ]);
  });

  test('a missing call row is named when the rows given do not add up', () => {
    const table = footingTable();
    delete table.mobile;
    const problems = footingProblems(statement(table), STRICT);
    expect(problems.map((problem) => problem.message)).toEqual([
      'its call rows add up to 2 (only 4 of the 5 call rows are given), its total row says 3',
      'its call rows add up to 0:01:00.0 (only 4 of the 5 call rows are given), its total row says 0:01:30.0',
      'its call rows add up to 16 (only 4 of the 5 call rows are given), its total row says 32',
    ]);
  });

  test('each all-number row must be the sum of the per-number rows, 着割 included', () => {
    const first = footingTable();
    const second = footingTable();
    const allNumbers = footingTable();
    // 2 + 2 = 4 general calls, 600 + 600 = 1200 tenths, 16 + 16 = 32 yen; the all-number table says otherwise
    const problems = footingProblems(
      statement(allNumbers, [
        ['05012345678', first],
        ['05012345679', second],
      ]),
      STRICT,
    );
    expect(
      problems
        .filter((problem) => problem.kind === 'across' && problem.row === 'general')
        .map((problem) => problem.message),
    ).toEqual([
      'its per-number 一般通話 (general) rows add up to 4, its all-number row says 2',
      'its per-number 一般通話 (general) rows add up to 0:02:00.0, its all-number row says 0:01:00.0',
      'its per-number 一般通話 (general) rows add up to 32, its all-number row says 16',
    ]);
    expect(problems.some((problem) => problem.row === 'chakuwari' && problem.field === 'amount')).toBe(true);
  });

  test('a 着割 discount larger than the charges, or above zero, is a problem', () => {
    const capped = footingTable();
    capped.chakuwari = row(4, 1200, -33); // 33 yen off 32 yen of calls
    expect(footingProblems(statement(capped), STRICT).map((problem) => problem.message)).toEqual([
      'its 着割 discount -33 exceeds its call charges 32 (the cap)',
    ]);
    const positive = footingTable();
    positive.chakuwari = row(4, 1200, 1);
    expect(footingProblems(statement(positive), STRICT)[0]?.message).toBe(
      'its 着割 discount 1 is not a discount (above zero)',
    );
  });

  test('exactly at the cap foots', () => {
    const table = footingTable();
    table.chakuwari = row(4, 1200, -32);
    expect(footingProblems(statement(table), STRICT)).toEqual([]);
  });

  test("meisai's own duration text must be formatTenths exactly; a statement from elsewhere only has to mean the same time", () => {
    const table = footingTable();
    table.general = { ...table.general!, durationText: '0:01:00' };
    expect(footingProblems(statement(table), STRICT).map((problem) => problem.kind)).toEqual(['duration-text']);
    expect(footingProblems(statement(table), { strictDurationText: false })).toEqual([]);
    table.general = { ...table.general, durationText: '0:02:00.0' };
    expect(footingProblems(statement(table), { strictDurationText: false })[0]?.message).toBe(
      'its 一般通話 (general) row prints duration 0:02:00.0 for 600 tenths (0:01:00.0)',
    );
  });
});
