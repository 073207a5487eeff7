import { join } from 'node:path';
import { runCli } from '../test-support/runCli';
import { createWorkspace, TempWorkspace } from '../test-support/tempStore';

const FIXTURES = join(__dirname, '..', '..', 'fixtures', 'profiles');
let workspace: TempWorkspace;
beforeEach(() => {
  workspace = createWorkspace();
});
afterEach(() => workspace.cleanUp());

const MINIMAL = {
  id: 'pbx',
  description: 'a test profile',
  encoding: 'utf8',
  layout: { type: 'csv', header: false, delimiter: ';', columns: ['id', 'who', 'to', 'at', 'secs'] },
  fields: {
    record_id: { from: 'id' },
    contract_id: { value: 'N000000001' },
    number: { from: 'who' },
    direction: { value: 'out' },
    peer: { from: 'to' },
    start: { from: 'at', time: 'epoch-seconds' },
    duration: { from: 'secs', duration: 'milliseconds' },
  },
};

describe('meisai profiles', () => {
  test('check without files validates every shipped profile and shows each mapping', async () => {
    const result = await runCli(['profiles', 'check']);
    expect(result.code).toBe(0);
    for (const id of ['asterisk-cdr-csv', 'canonical', 'freeswitch-cdr-csv', 'jp-fixed-128-cp932'])
      expect(result.stdout).toContain(`ok  profile ${id} `);
    expect(result.stdout).toContain('duration    from duration_tenths, tenths');
    expect(result.stdout).toContain('skipped     NOT_ANSWERED when disposition is none of ANSWERED');
    expect(result.stdout).toMatch(/all profiles in .*profiles are valid/);
  });

  test('a profile that fails its schema, or reads a column its layout lacks, is bad configuration naming the path', async () => {
    const bad = workspace.writeFile(
      'bad.json',
      JSON.stringify({ ...MINIMAL, fields: { ...MINIMAL.fields, duration: { from: 'secs', value: '1' } } }),
    );
    const schema = await runCli(['profiles', 'check', bad]);
    expect(schema.code).toBe(2);
    expect(schema.stderr).toMatch(/bad\.json is not a valid input-profile file:.*\$\.fields\.duration/);
    const unknown = workspace.writeFile(
      'unknown.json',
      JSON.stringify({ ...MINIMAL, fields: { ...MINIMAL.fields, peer: { from: 'callee' } } }),
    );
    const layout = await runCli(['profiles', 'check', unknown]);
    expect(layout.code).toBe(2);
    expect(layout.stderr).toContain('unknown.json: the profile reads callee, which the layout does not define');
    const ingest = await runCli([
      'ingest',
      join(FIXTURES, 'canonical-2011-04.csv'),
      '--profile',
      unknown,
      '--db',
      workspace.dbPath,
    ]);
    expect(ingest.code).toBe(2);
  });

  test('a profile file given by path: another delimiter, fixed values, epoch seconds and milliseconds', async () => {
    const profile = workspace.writeFile('pbx.json', JSON.stringify(MINIMAL));
    // 1301616902 = 2011-04-01 09:15:02 Japan time; 93500 ms = 93.5 s
    const cdrs = workspace.writeFile(
      'pbx.txt',
      '1;05012345678;0312345678;1301616902;93500\n2;05012345678;0312345678;13016169x2;1000\n',
    );
    const result = await runCli(['ingest', cdrs, '--profile', profile, '--db', workspace.dbPath, '--json']);
    expect(JSON.parse(result.stdout)).toMatchObject({ read: 2, accepted: 1, rejected: { BAD_START: 1 } });
    const call = workspace.db.prepare('SELECT record_id, contract_id, start_ms, duration_ms FROM calls').get();
    expect(call).toEqual({
      record_id: '1',
      contract_id: 'N000000001',
      start_ms: Date.UTC(2011, 3, 1, 0, 15, 2),
      duration_ms: 93_500,
    });
    const reject = workspace.db.prepare('SELECT message FROM rejects').get() as { message: string };
    expect(reject.message).toBe(
      'profile pbx, field start (from at, epoch-seconds): "13016169x2" is not epoch seconds (digits, up to 9 fraction digits)',
    );
  });

  test('preview shows the first records as canonical rows and what ingest would do, storing nothing', async () => {
    const result = await runCli([
      'profiles',
      'preview',
      '--profile',
      'asterisk-cdr-csv',
      join(FIXTURES, 'asterisk-Master-2011-04.csv'),
      '--records',
      '20',
    ]);
    expect(result.code).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('line,record_id,contract_id,number,direction,peer,start,duration,outcome');
    expect(lines[1]).toBe(
      '1,1301616001.1,N000000001,05012345678,out,0312345678,2011-04-01 09:15:07,93,"accepted (general, REF-2006-12)"',
    );
    expect(lines[3]).toBe(
      '3,1301616003.3,N000000001,05012345678,in,0311112222,2011-04-03 11:00:05,120,"accepted (general, REF-2006-12)"',
    );
    expect(lines[10]).toBe('10,,,,,,,,skipped NOT_ANSWERED');
    expect(lines[12]).toMatch(
      /^12,,,,,,,,"rejected BAD_DIRECTION: profile asterisk-cdr-csv, field direction \(chosen by dcontext\)/,
    );
    expect(lines).toHaveLength(14);
    expect(workspace.db.prepare('SELECT COUNT(*) AS n FROM files').get()).toEqual({ n: 0 });
  });

  test('the text summary shows skipped as the fourth bucket, by reason', async () => {
    const result = await runCli([
      'ingest',
      join(FIXTURES, 'asterisk-Master-2011-04.csv'),
      '--profile',
      'asterisk-cdr-csv',
      '--db',
      workspace.dbPath,
    ]);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      [
        'files       1',
        'read        13',
        'accepted    9',
        'rejected    2',
        '  MISSING_FIELD   1', // reject codes in the order of REJECT_CODES, as for the canonical CSV
        '  BAD_DIRECTION   1',
        'duplicates  0',
        'skipped     2',
        '  INTERNAL_LEG    1',
        '  NOT_ANSWERED    1',
        '',
      ].join('\n'),
    );
  });
});
