import { ContractNumbers } from './contractNumbers';

const japan = (text: string): number => Date.parse(`${text}+09:00`);

describe('ContractNumbers: a number of a contract on the day of a call', () => {
  const numbers = new ContractNumbers([
    { contractId: 'N000000001', number: '05012345679', activeFrom: '2011-04-20', activeTo: '2011-04-25' },
    { contractId: 'N000000002', number: '05012345679', activeFrom: '2011-05-01', activeTo: null },
  ]);

  test.each([
    ['2011-04-19T23:59:59.999', 'N000000001', false], // one millisecond before the first day
    ['2011-04-20T00:00:00.000', 'N000000001', true], // the first instant of active_from
    ['2011-04-25T23:59:59.999', 'N000000001', true], // active_to is inclusive: its last millisecond
    ['2011-04-26T00:00:00.000', 'N000000001', false],
    ['2011-05-01T00:00:00.000', 'N000000001', false], // the number moved to another contract
    ['2011-05-01T00:00:00.000', 'N000000002', true],
    ['2031-01-01T00:00:00.000', 'N000000002', true], // open-ended while active
  ])('at %s, of %s: %s', (at, contractId, active) => {
    expect(numbers.isActive(contractId, '05012345679', japan(at))).toBe(active);
  });

  test("a number without a line is nobody's", () => {
    expect(numbers.isActive('N000000001', '05099999999', japan('2011-04-21T00:00:00.000'))).toBe(false);
  });
});
