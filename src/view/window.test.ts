import { contractWindow, currentJapanMonth, windowMonths } from './window';

test('the window: the end month and the months before it, newest first, across a year', () => {
  expect(windowMonths('2011-04', 7)).toEqual([
    '2011-04',
    '2011-03',
    '2011-02',
    '2011-01',
    '2010-12',
    '2010-11',
    '2010-10',
  ]);
  expect(windowMonths('2011-04', 1)).toEqual(['2011-04']);
});

test('the current month is Japan time', () => {
  expect(currentJapanMonth(Date.parse('2011-04-30T15:00:00Z'))).toBe('2011-05');
  expect(currentJapanMonth(Date.parse('2011-04-30T14:59:59Z'))).toBe('2011-04');
});

describe('the default window (no --window-end)', () => {
  const now = () => Date.parse('2026-12-04T00:00:00Z');

  test('ends at the current month when the contract has figures in it', () => {
    expect(contractWindow({ length: 3, now }, ['2026-11', '2011-04'])).toEqual(['2026-12', '2026-11', '2026-10']);
  });

  test('a store whose months are all before the window: it ends at the newest month with figures', () => {
    expect(contractWindow({ length: 7, now }, ['2011-04', '2011-03'])).toEqual(windowMonths('2011-04', 7));
  });

  test('a contract without any figures: the current months', () => {
    expect(contractWindow({ length: 2, now }, [])).toEqual(['2026-12', '2026-11']);
  });

  test('a fixed window (--window-end) is kept, even without figures in it', () => {
    expect(contractWindow(['2011-02', '2011-01'], ['2011-04'])).toEqual(['2011-02', '2011-01']);
  });
});
