import { currentJapanMonth, windowMonths } from './window';

test('the window: the end month and the months before it, newest first, across a year', () => {
  expect(windowMonths('2011-04', 7)).toEqual(['2011-04', '2011-03', '2011-02', '2011-01', '2010-12', '2010-11', '2010-10']);
  expect(windowMonths('2011-04', 1)).toEqual(['2011-04']);
});

test('the current month is Japan time', () => {
  expect(currentJapanMonth(Date.parse('2011-04-30T15:00:00Z'))).toBe('2011-05');
  expect(currentJapanMonth(Date.parse('2011-04-30T14:59:59Z'))).toBe('2011-04');
});
