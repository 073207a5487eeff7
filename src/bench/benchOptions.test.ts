import { HelpRequested, parseBenchArguments, TARGET_DEFAULTS, UsageError } from './benchOptions';

describe('parseBenchArguments', () => {
  it('answers --help and -h with the usage, wherever they stand, instead of asking for a value', () => {
    expect(() => parseBenchArguments(['--help'])).toThrow(HelpRequested);
    expect(() => parseBenchArguments(['--db', 'postgres', '-h'])).toThrow(HelpRequested);
  });

  it('keeps the quick run of issue 4 by default: 100k CDRs, sequential ids, SQLite, no targets', () => {
    const options = parseBenchArguments([]);
    expect(options).toMatchObject({
      cdrs: [100_000],
      ids: ['sequential'],
      db: 'sqlite',
      profile: null,
      targets: false,
      seed: 1,
      keep: false,
      runs: 2,
      readRuns: 3,
    });
  });

  it('takes a list of sizes (underscores allowed, repeats dropped) and runs both kinds of ids with --ids both', () => {
    expect(parseBenchArguments(['--cdrs', '2000000,10_000_000,2000000', '--ids', 'both'])).toMatchObject({
      cdrs: [2_000_000, 10_000_000],
      ids: ['sequential', 'uuid'],
    });
    expect(parseBenchArguments(['--cdrs', '500', '--ids', 'uuid'])).toMatchObject({ cdrs: [500], ids: ['uuid'] });
  });

  it('with --targets defaults to issue 11: 2M and 10M CDRs, both kinds of ids, a 10M base of 1M months', () => {
    expect(parseBenchArguments(['--targets'])).toMatchObject({ targets: true, ...TARGET_DEFAULTS });
    expect(TARGET_DEFAULTS).toEqual({
      cdrs: [2_000_000, 10_000_000],
      ids: ['sequential', 'uuid'],
      growthBase: 10_000_000,
      monthCdrs: 1_000_000,
    });
  });

  it('lets a --targets run be made smaller, the options in any order', () => {
    expect(
      parseBenchArguments([
        '--growth-base',
        '2000000',
        '--targets',
        '--cdrs',
        '200000',
        '--ids',
        'sequential',
        '--read-runs',
        '1',
      ]),
    ).toMatchObject({
      targets: true,
      cdrs: [200_000],
      ids: ['sequential'],
      growthBase: 2_000_000,
      monthCdrs: 1_000_000,
      readRuns: 1,
    });
    expect(parseBenchArguments(['--targets', '--month-cdrs', '100000', '--growth-base', '300000'])).toMatchObject({
      monthCdrs: 100_000,
      growthBase: 300_000,
    });
  });

  it('keeps --db and --profile as they were', () => {
    expect(parseBenchArguments(['--db', 'postgres']).db).toBe('postgres');
    expect(parseBenchArguments(['--db', 'postgresql://u@host/db']).db).toBe('postgresql://u@host/db');
    expect(parseBenchArguments(['--profile', 'jp-fixed-128-cp932', '--runs', '3'])).toMatchObject({
      profile: 'jp-fixed-128-cp932',
      runs: 3,
    });
  });

  it.each([
    [['--cdrs'], /needs a value/],
    [['--cdrs', '0'], /at least 1/],
    [['--cdrs', '1e6'], /whole number/],
    [['--cdrs', '1000,'], /whole number/],
    [['--ids', 'random'], /sequential or uuid/],
    [['--db', 'mysql'], /--db is/],
    [['--profile', 'asterisk-cdr-csv'], /layouts of/],
    [['--frobnicate', '1'], /unknown option/],
    [['--growth-base', '2000000'], /belong to --targets/],
    [['--targets', '--growth-base', '1500000'], /whole number of months/],
    [['--targets', '--growth-base', '500000'], /whole number of months/],
    [['--targets', '--month-cdrs', '10000', '--growth-base', '1000000'], /at most 98 months/],
    [['--targets', '--profile', 'canonical'], /separate runs/],
    [['--profile', 'canonical', '--cdrs', '1000,2000'], /one size/],
    [['--profile', 'canonical', '--ids', 'both'], /one size/],
    [['--read-runs', '0'], /at least 1/],
  ])('refuses %j with a usage error', (argv, message) => {
    expect(() => parseBenchArguments(argv)).toThrow(UsageError);
    expect(() => parseBenchArguments(argv)).toThrow(message);
  });
});
