import { evaluateTargets, ProcessMeasure, TargetMeasures, verdictRows } from './targets';

const run = (milliseconds: number, peakRssMb = 200): ProcessMeasure => ({
  milliseconds: BigInt(milliseconds),
  peakRssKilobytes: BigInt(peakRssMb * 1024),
});

/** Every target just met, at its edge. */
function measuresAtTheEdges(): TargetMeasures {
  return {
    ratioRuns: [
      { cdrs: 2_000_000, ids: 'sequential', meisai: run(5800), duckdbMilliseconds: 5800n }, // ratio exactly 1.00
      { cdrs: 10_000_000, ids: 'uuid', meisai: run(30_000, 256), duckdbMilliseconds: 36_000n },
    ],
    // 10 000 ms empty, 11 111 ms grown: 10000 / 11111 = 90.0009% ≥ 90%
    growth: {
      cdrs: 1_000_000,
      baseCdrs: 10_000_000,
      baseCalls: 9_900_000,
      ids: 'sequential',
      intoEmpty: run(10_000),
      intoGrown: run(11_111),
    },
    // 500 ms on the grown store, and 500 ≤ 1.2 × 417 = 500.4
    reads: [{ command: 'calls', small: run(417, 90), grown: run(500, 95) }],
    smallStoreCdrs: 1_000_000,
    grownStoreCdrs: 10_000_000,
    // 990 000 calls in 4950 ms = 200 000 calls/s exactly
    monthWide: [{ command: 'rerate --month', cdrs: 1_000_000, calls: 990_000, run: run(4950, 250) }],
  };
}

describe('evaluateTargets', () => {
  it('meets every target exactly at its edge (ratio 1.00, 90% of empty, 0.5 s and +20%, 200k calls/s, 256 MB)', () => {
    const verdicts = evaluateTargets(measuresAtTheEdges());
    expect(verdicts.map((verdict) => [verdict.target, verdict.measure, verdict.met])).toEqual([
      [1, 'meisai/DuckDB, 2M CDRs, sequential ids', true],
      [1, 'meisai/DuckDB, 10M CDRs, uuid ids', true],
      [2, 'fresh 1M month (sequential ids) into a 10M-CDR store', true],
      [3, 'calls, 10M-CDR store', true],
      [3, 'calls, 10M vs 1M store', true],
      [4, 'rerate --month, 1M-CDR month (990000 calls)', true],
      [5, 'peak RSS, ingest 2M sequential', true],
      [5, 'peak RSS, ingest 10M uuid', true],
      [5, 'peak RSS, fresh month into an empty store', true],
      [5, 'peak RSS, fresh month into the 10M store', true],
      [5, 'peak RSS, calls on 1M', true],
      [5, 'peak RSS, calls on 10M', true],
      [5, 'peak RSS, rerate --month', true],
    ]);
    expect(verdicts.find((verdict) => verdict.target === 2)!.figure).toBe('90.0% (90001 vs 100000 CDRs/s)');
    expect(verdicts.find((verdict) => verdict.measure === 'calls, 10M vs 1M store')!.figure).toBe(
      '+19.9% (0.417 s on 1M)',
    );
    expect(verdicts.find((verdict) => verdict.target === 4)!.figure).toBe('200000 calls/s (4.950 s)');
  });

  it('misses each target one millisecond (or one kilobyte) past its edge', () => {
    const measures = measuresAtTheEdges();
    measures.ratioRuns[0]!.meisai = run(5801);
    measures.growth!.intoGrown = run(11_112); // 10000 × 10 = 100000 < 11112 × 9 = 100008
    measures.reads[0] = { command: 'calls', small: run(416), grown: run(501) };
    measures.monthWide[0]!.run = run(4951);
    measures.ratioRuns[1]!.meisai = { milliseconds: 30_000n, peakRssKilobytes: 256n * 1024n + 1n };
    const missed = evaluateTargets(measures)
      .filter((verdict) => !verdict.met)
      .map((verdict) => verdict.measure);
    expect(missed).toEqual([
      'meisai/DuckDB, 2M CDRs, sequential ids',
      'fresh 1M month (sequential ids) into a 10M-CDR store',
      'calls, 10M-CDR store',
      'calls, 10M vs 1M store',
      'rerate --month, 1M-CDR month (990000 calls)',
      'peak RSS, ingest 10M uuid',
    ]);
  });

  it('judges the read ratio on its own: a fast read 21% slower on the grown store misses only that', () => {
    const measures = measuresAtTheEdges();
    measures.reads = [{ command: 'statement', small: run(100), grown: run(121) }];
    const reads = evaluateTargets(measures).filter((verdict) => verdict.target === 3);
    expect(reads.map((verdict) => [verdict.figure, verdict.met])).toEqual([
      ['0.121 s', true],
      ['+21.0% (0.100 s on 1M)', false],
    ]);
  });

  it('shows a read faster on the grown store as a negative change, and a quick run without a store part has only ratio and RSS rows', () => {
    const measures = measuresAtTheEdges();
    measures.reads = [{ command: 'statement', small: run(400), grown: run(300) }];
    expect(evaluateTargets(measures).find((verdict) => verdict.measure === 'statement, 10M vs 1M store')!.figure).toBe(
      '-25.0% (0.400 s on 1M)',
    );
    const quick = evaluateTargets({ ...measuresAtTheEdges(), growth: undefined, reads: [], monthWide: [] });
    expect(new Set(quick.map((verdict) => verdict.target))).toEqual(new Set([1, 5]));
  });

  it('writes met or NOT MET in the table, under a header', () => {
    const measures = measuresAtTheEdges();
    measures.monthWide[0]!.run = run(9900);
    const rows = verdictRows(evaluateTargets(measures));
    expect(rows[0]).toEqual(['#', 'measure', 'figure', 'target', 'verdict']);
    expect(rows.find((row) => row[0] === '4')).toEqual([
      '4',
      'rerate --month, 1M-CDR month (990000 calls)',
      '100000 calls/s (9.900 s)',
      '≥ 200000 calls/s',
      'NOT MET',
    ]);
    expect(rows.filter((row) => row[4] === 'met').length).toBe(rows.length - 2);
  });
});
