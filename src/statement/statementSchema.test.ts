import Ajv, { ValidateFunction } from 'ajv';
import { readFileSync } from 'node:fs';
import { buildStatement } from './buildStatement';
import { CONTRACT, referenceTariff as tariff, seedSplitStatement } from '../test-support/seedSplitStatement';

const schema: unknown = JSON.parse(readFileSync('schemas/statement.schema.json', 'utf8'));

/** The statement as `statement --format json` prints it, as plain JSON data to mutate. */
function seedJson(): Record<string, any> {
  return JSON.parse(JSON.stringify(seedSplitStatement())) as Record<string, any>;
}

/** Compiled once: compiling costs far more than validating. */
const validateStatement: ValidateFunction = new Ajv({ strict: true, allErrors: true }).compile(schema as object);

describe('statement.schema.json', () => {
  it('compiles under Ajv strict mode', () => {
    expect(() => new Ajv({ strict: true }).compile(schema as object)).not.toThrow();
  });

  it('accepts the built seed statement and a month without any call', () => {
    expect(validateStatement(seedJson())).toBe(true);
    expect(validateStatement.errors).toBeNull();
    const empty = buildStatement({
      contractId: CONTRACT,
      month: '2011-12',
      revision: 3,
      tariff,
      typeTotals: [],
      chakuwariTotals: [],
    });
    expect(validateStatement(JSON.parse(JSON.stringify(empty)))).toBe(true);
  });

  it('accepts an allowance row (無料通話分) in every table, and refuses a positive one', () => {
    const statement = seedJson();
    const row = { count: 2, durationTenths: 3000, duration: '0:05:00.0', discount: '-20' };
    for (const table of [statement.allNumbers, ...statement.numbers]) table.allowance = { ...row };
    expect(validateStatement(statement)).toBe(true);
    statement.numbers[0].allowance.discount = '20';
    expect(validateStatement(statement)).toBe(false);
  });

  it.each([
    [
      [
        { allowance: 'DOMESTIC', yen: '250.5' },
        { allowance: 'MOBILE', seconds: '750.5' },
      ],
      true,
    ],
    [[], true],
    [[{ allowance: 'DOMESTIC', yen: '-1' }], false],
    [[{ allowance: 'DOMESTIC', yen: '1', seconds: '1' }], false],
    [[{ allowance: 'MOBILE', seconds: '1.0001' }], false],
    [[{ allowance: 'DOMESTIC' }], false],
  ])('an allowance row carried in with %j is valid: %s', (carriedIn, valid) => {
    const statement = seedJson();
    statement.allNumbers.allowance = { count: 0, durationTenths: 0, duration: '0:00:00.0', discount: '0', carriedIn };
    expect(validateStatement(statement)).toBe(valid);
  });

  it('accepts fraction digits in charges and discounts', () => {
    const statement = seedJson();
    statement.allNumbers.calls[0].charge = '10240.50';
    statement.allNumbers.chakuwari.discount = '-0.5';
    statement.numbers[0].chakuwari.discount = '0.00';
    expect(validateStatement(statement)).toBe(true);
  });

  it.each<[string, (statement: Record<string, any>) => void]>([
    ['an extra top-level property', (statement) => (statement.tax = '0')],
    ['an extra property in a call row', (statement) => (statement.allNumbers.calls[0].note = 'x')],
    ['an extra property in a number table', (statement) => (statement.numbers[0].name = 'office')],
    ['four call rows', (statement) => statement.allNumbers.calls.pop()],
    ['six call rows', (statement) => statement.numbers[1].calls.push({ ...statement.numbers[1].calls[0] })],
    ['call rows out of order', (statement) => statement.allNumbers.calls.reverse()],
    ['a label that does not match its type', (statement) => (statement.allNumbers.calls[2].label = '一般通話')],
    ['a positive discount', (statement) => (statement.allNumbers.chakuwari.discount = '1174')],
    ['a negative zero discount', (statement) => (statement.numbers[0].chakuwari.discount = '-0')],
    ['a discount as a number', (statement) => (statement.allNumbers.chakuwari.discount = -1174)],
    ['a negative charge', (statement) => (statement.allNumbers.total.charge = '-1')],
    ['a charge with thousands separators', (statement) => (statement.allNumbers.total.charge = '130,090')],
    ['a fractional count', (statement) => (statement.allNumbers.calls[0].count = 1.5)],
    ['a negative duration', (statement) => (statement.allNumbers.calls[0].durationTenths = -1)],
    ['a duration with 60 minutes', (statement) => (statement.allNumbers.total.duration = '109:60:23.5')],
    ['a duration without tenths', (statement) => (statement.allNumbers.total.duration = '109:54:23')],
    ['a contract id of another shape', (statement) => (statement.contract = 'N00000001')],
    ['month 13', (statement) => (statement.month = '2011-13')],
    ['another currency', (statement) => (statement.currency = 'USD')],
    ['tax included', (statement) => (statement.taxIncluded = true)],
    ['revision 0', (statement) => (statement.revision = 0)],
    ['a number that is not an 050 number', (statement) => (statement.numbers[0].number = '09012345678')],
    ['a missing 着割 row', (statement) => delete statement.numbers[0].chakuwari],
  ])('rejects %s', (_, mutate) => {
    const statement = seedJson();
    mutate(statement);
    expect(validateStatement(statement)).toBe(false);
  });
});
