import { footingTable, row, statementFigures } from '../test-support/figures';
import { ComparedSide, compareStatementFigures } from './compareStatements';
import { footingProblems } from './footing';
import { StatementFigures } from './statementFigures';

function side(name: string, figures: StatementFigures): ComparedSide {
  return { name, figures, footing: footingProblems(figures, { strictDurationText: false }) };
}

function differences(left: StatementFigures, right: StatementFigures): string[] {
  return compareStatementFigures(side('theirs', left), side('ours', right))
    .filter((detail) => detail.kind === 'difference')
    .map((detail) => detail.message);
}

describe('compareStatementFigures', () => {
  test('identical statements have no differences', () => {
    expect(differences(statementFigures(footingTable()), statementFigures(footingTable()))).toEqual([]);
  });

  test('a differing total names both values and the side that does not foot', () => {
    const theirs = footingTable();
    theirs.total = row(3, 900 + 360_000, 32); // 0:01:30.0 of calls, a total ten hours longer
    expect(differences(statementFigures(theirs), statementFigures(footingTable()))).toEqual([
      'all numbers, 合計 (total) duration: theirs 10:01:30.0, ours 0:01:30.0; theirs does not foot: its call rows add up to 0:01:30.0, its total row says 10:01:30.0; ours foots',
    ]);
  });

  test('a call row and its total that differ together: both sides foot', () => {
    const theirs = footingTable();
    theirs.mobile = row(1, 300, 17);
    theirs.total = row(3, 900, 33);
    expect(differences(statementFigures(theirs), statementFigures(footingTable()))).toEqual([
      'all numbers, 携帯通話 (mobile) charge: theirs 17, ours 16; theirs foots; ours foots',
      'all numbers, 合計 (total) charge: theirs 33, ours 32; theirs foots; ours foots',
    ]);
  });

  test('a row or a number on one side only is a difference', () => {
    const theirs = footingTable();
    delete theirs.phs;
    const ours = footingTable();
    expect(
      differences(
        statementFigures(theirs, [['05012345678', footingTable()]]),
        statementFigures(ours, [
          ['05012345678', footingTable()],
          ['05099999999', footingTable()],
        ]),
      ),
    ).toEqual(
      expect.arrayContaining([
        'all numbers, PHS通話 (phs): only ours has this row (count 0, duration 0:00:00.0, amount 0)',
        'number 05099999999: only ours has this table (total count 3, duration 0:01:30.0, amount 32)',
      ]),
    );
  });

  test('without per-number tables on one side, the all-number tables alone are compared, and that is said', () => {
    const details = compareStatementFigures(
      side('theirs', statementFigures(footingTable())),
      side('ours', statementFigures(footingTable(), [['05012345678', footingTable()]])),
    );
    expect(details).toEqual([
      { kind: 'information', message: 'theirs gives no per-number tables: the all-number tables alone are compared' },
    ]);
  });

  test('without an all-number table on one side, the per-number tables alone are compared', () => {
    const theirs = statementFigures(undefined, [['05012345678', footingTable()]]);
    const ours = statementFigures(footingTable(), [['05012345678', footingTable()]]);
    expect(compareStatementFigures(side('theirs', theirs), side('ours', ours))).toEqual([
      { kind: 'information', message: 'theirs gives no all-number table: the per-number tables alone are compared' },
    ]);
  });

  test('a side that does not foot where no figure differs is still a difference', () => {
    const theirs = footingTable();
    theirs.general = { ...theirs.general!, durationText: '0:09:00.0' };
    expect(differences(statementFigures(theirs), statementFigures(footingTable()))).toEqual([
      'theirs does not foot: all numbers, 一般通話 (general) duration: its 一般通話 (general) row prints duration 0:09:00.0 for 600 tenths (0:01:00.0)',
    ]);
  });
});
