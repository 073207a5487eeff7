import { get as httpGet, request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { Writable } from 'node:stream';
import { join } from 'node:path';
import pino from 'pino';
import { FastifyInstance } from 'fastify';
import { ingestFile } from '../ingest/ingestFile';
import { loadReferenceData } from '../reference/referenceData';
import { createWorkspace, TempWorkspace } from '../test-support/tempStore';
import { runCli } from '../test-support/runCli';
import { buildViewServer } from './server';
import { mintToken } from './token';
import { windowMonths } from './window';

const SECRET = 'a-test-secret-that-is-long-enough-0123456789';
const CONTRACT = 'N000000001';
const SEED = join(__dirname, '..', '..', 'fixtures', 'seed-2011-04.csv');

let workspace: TempWorkspace;
let app: FastifyInstance;
let logLines: string[];

interface Got {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
  json(): unknown;
}

/** A GET on the server listening on 127.0.0.1: the real socket, headers and access line. */
function get(server: FastifyInstance, options: { url: string; headers?: Record<string, string> }): Promise<Got> {
  const address = server.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return new Promise((resolve, reject) => {
    // No keep-alive agent: no socket outlives the test.
    const request = httpGet(
      { host: '127.0.0.1', port, path: options.url, headers: options.headers, agent: false },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const body = Buffer.concat(chunks).toString('utf8');
          resolve({
            statusCode: response.statusCode ?? 0,
            headers: response.headers as Record<string, string>,
            body,
            json: () => JSON.parse(body),
          });
        });
      },
    );
    request.on('error', reject);
  });
}

function fetchStatus(port: number, method: string, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      { host: '127.0.0.1', port, path, method, agent: false, headers: auth() },
      (response) => {
        response.resume();
        response.on('end', () => resolve(response.statusCode ?? 0));
      },
    );
    request.on('error', reject);
    request.end();
  });
}

async function started(server: FastifyInstance): Promise<FastifyInstance> {
  await server.listen({ host: '127.0.0.1', port: 0 });
  return server;
}
const token = (contract = CONTRACT, ttl = 600) => mintToken(SECRET, contract, ttl);
const auth = (value = token()) => ({ authorization: `Bearer ${value}` });

beforeAll(async () => {
  workspace = createWorkspace();
  await ingestFile(workspace.store, loadReferenceData(), SEED);
  logLines = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      logLines.push(String(chunk));
      done();
    },
  });
  app = buildViewServer({
    db: workspace.dbPath,
    secret: SECRET,
    reference: loadReferenceData(),
    window: windowMonths('2011-04', 7),
    logger: pino({ level: 'info' }, sink),
  });
  await started(app);
});

afterAll(async () => {
  await app.close();
  workspace.cleanUp();
});

describe('the statement view API', () => {
  test('/health needs no token', async () => {
    const response = await get(app, { url: '/health' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'ok' });
  });

  test('fastify inject answers under jest (light-my-request with the CommonJS cookie 1.x of package.json overrides)', async () => {
    const response = await app.inject({ method: 'GET', url: '/health' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'ok' });
  });

  test('months: within the window, newest first', async () => {
    const response = await get(app, { url: `/api/contracts/${CONTRACT}/months`, headers: auth() });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ contract: CONTRACT, months: ['2011-04', '2011-03'] });
  });

  test("summary: every window month oldest first, each one's charges adding up to its statement total; the page draws it", async () => {
    const summary = await get(app, { url: `/api/contracts/${CONTRACT}/summary`, headers: auth() });
    expect(summary.statusCode).toBe(200);
    const { months } = summary.json() as {
      months: {
        month: string;
        statement: boolean;
        charges: Record<string, string>;
        total: string;
        chakuwari: string;
      }[];
    };
    expect(months.map((month) => month.month)).toEqual([...windowMonths('2011-04', 7)].reverse());
    for (const month of months) {
      expect(Object.values(month.charges).reduce((sum, charge) => sum + Number.parseInt(charge, 10), 0)).toBe(
        Number.parseInt(month.total, 10),
      );
    }
    expect(months.at(-1)).toMatchObject({ month: '2011-04', statement: true, total: '130090', chakuwari: '-1174' });
    expect((await get(app, { url: `/api/contracts/${CONTRACT}/summary` })).statusCode).toBe(401);
    const page = await get(app, { url: `/contracts/${CONTRACT}?month=2011-04`, headers: auth() });
    expect(page.body).toContain('<svg class="summary"');
    expect(page.body).toContain('data-month="2011-04" data-type="international" data-yen="96870"');
  });

  test('a window that ends before the data shows no months', async () => {
    const other = await started(
      buildViewServer({
        db: workspace.dbPath,
        secret: SECRET,
        reference: loadReferenceData(),
        window: windowMonths('2011-02', 7),
        logger: pino({ level: 'silent' }),
      }),
    );
    const response = await get(other, { url: `/api/contracts/${CONTRACT}/months`, headers: auth() });
    expect(response.json()).toEqual({ contract: CONTRACT, months: [] });
    await other.close();
  });

  test('the statement JSON is exactly what meisai statement --format json prints', async () => {
    const cli = await runCli([
      'statement',
      '--contract',
      CONTRACT,
      '--month',
      '2011-04',
      '--format',
      'json',
      '--db',
      workspace.dbPath,
    ]);
    expect(cli.code).toBe(0);
    const response = await get(app, { url: `/api/contracts/${CONTRACT}/statements/2011-04`, headers: auth() });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(response.body).toBe(cli.stdout);
    const dotJson = await get(app, { url: `/api/contracts/${CONTRACT}/statements/2011-04.json`, headers: auth() });
    expect(dotJson.body).toBe(cli.stdout);
  });

  test.each([
    ['csv', 'text/csv; charset=utf-8'],
    ['html', 'text/html; charset=utf-8'],
  ])('the .%s variant is the CLI format', async (format, type) => {
    const cli = await runCli([
      'statement',
      '--contract',
      CONTRACT,
      '--month',
      '2011-04',
      '--format',
      format,
      '--csv-encoding',
      'utf8',
      '--db',
      workspace.dbPath,
    ]);
    const response = await get(app, {
      url: `/api/contracts/${CONTRACT}/statements/2011-04.${format}`,
      headers: auth(),
    });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe(type);
    expect(response.body).toBe(cli.stdout);
  });

  test("?number= gives that number's statement as the CLI does; a number without calls, and ?revision= never issued, are 404", async () => {
    // 05012345678 has calls of N000000001 in the April seed
    const cli = await runCli([
      'statement',
      '--contract',
      CONTRACT,
      '--month',
      '2011-04',
      '--format',
      'json',
      '--number',
      '05012345678',
      '--db',
      workspace.dbPath,
    ]);
    expect(cli.code).toBe(0);
    const response = await get(app, {
      url: `/api/contracts/${CONTRACT}/statements/2011-04?number=050-1234-5678`,
      headers: auth(),
    });
    expect(response.statusCode).toBe(200);
    expect(response.body).toBe(cli.stdout);
    const silent = await get(app, {
      url: `/api/contracts/${CONTRACT}/statements/2011-04?number=05099990000`,
      headers: auth(),
    });
    expect(silent.statusCode).toBe(404);
    expect(silent.json()).toEqual({ error: expect.stringContaining('number 05099990000 has no calls') });
    const revision = await get(app, {
      url: `/api/contracts/${CONTRACT}/statements/2011-04?revision=9`,
      headers: auth(),
    });
    expect(revision.statusCode).toBe(404);
    expect(revision.json()).toEqual({ error: expect.stringContaining('no revision 9') });
  });

  test('calls: CSV, masked by default', async () => {
    const masked = await runCli([
      'calls',
      '--contract',
      CONTRACT,
      '--month',
      '2011-04',
      '--mask',
      '--csv-encoding',
      'utf8',
      '--db',
      workspace.dbPath,
    ]);
    const plain = await runCli([
      'calls',
      '--contract',
      CONTRACT,
      '--month',
      '2011-04',
      '--csv-encoding',
      'utf8',
      '--db',
      workspace.dbPath,
    ]);
    const response = await get(app, { url: `/api/contracts/${CONTRACT}/statements/2011-04/calls`, headers: auth() });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(response.body).toBe(masked.stdout);
    expect(response.body).not.toBe(plain.stdout);
    const unmasked = await get(app, {
      url: `/api/contracts/${CONTRACT}/statements/2011-04/calls?mask=false`,
      headers: auth(),
    });
    expect(unmasked.body).toBe(plain.stdout);
  });

  test.each([
    ['a malformed month', `/api/contracts/${CONTRACT}/statements/2011-13`],
    ['a month with a bad suffix', `/api/contracts/${CONTRACT}/statements/2011-04.pdf`],
    ['a bad revision', `/api/contracts/${CONTRACT}/statements/2011-04?revision=0`],
    ['a bad number', `/api/contracts/${CONTRACT}/statements/2011-04?number=0312345678`],
    ['an unknown query parameter', `/api/contracts/${CONTRACT}/statements/2011-04?debug=1`],
    ['a bad mask', `/api/contracts/${CONTRACT}/statements/2011-04/calls?mask=yes`],
  ])('%s is a 400 with a JSON error', async (_name, url) => {
    const response = await get(app, { url, headers: auth() });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual({ error: expect.any(String) });
    expect(response.body).not.toMatch(/at .*\.ts/);
  });

  test('no write endpoints; an unknown path is a JSON 404', async () => {
    const address = app.server.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    const post = await fetchStatus(port, 'POST', `/api/contracts/${CONTRACT}/months`);
    expect(post).toBe(404);
    const unknown = await get(app, { url: '/../../etc/passwd', headers: auth() });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toEqual({ error: 'not found' });
  });

  test('a month outside the window is a 404', async () => {
    const response = await get(app, { url: `/api/contracts/${CONTRACT}/statements/2010-01`, headers: auth() });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toEqual({ error: expect.stringContaining('outside') });
  });

  test('a missing store is a 503, and the service recovers when it is there', async () => {
    const other = await started(
      buildViewServer({
        db: join(workspace.directory, 'nothing.sqlite'),
        secret: SECRET,
        reference: loadReferenceData(),
        window: windowMonths('2011-04', 7),
        logger: pino({ level: 'silent' }),
      }),
    );
    const response = await get(other, { url: `/api/contracts/${CONTRACT}/months`, headers: auth() });
    expect(response.statusCode).toBe(503);
    expect(response.json()).toEqual({ error: expect.any(String) });
    // the store comes back: the service serves it, no restart
    expect((await runCli(['ingest', SEED, '--db', join(workspace.directory, 'nothing.sqlite')])).code).toBe(0);
    const back = await get(other, { url: `/api/contracts/${CONTRACT}/months`, headers: auth() });
    expect(back.statusCode).toBe(200);
    expect(back.json()).toEqual({ contract: CONTRACT, months: ['2011-04', '2011-03'] });
    await other.close();
  });
});

describe('access tokens', () => {
  const urls = [
    `/api/contracts/${CONTRACT}/months`,
    `/api/contracts/${CONTRACT}/statements/2011-04`,
    `/api/contracts/${CONTRACT}/statements/2011-04/calls`,
    `/contracts/${CONTRACT}?month=2011-04`,
  ];

  test.each(urls.filter((url) => url.startsWith('/api/')))('no token: 401 on %s', async (url) => {
    const response = await get(app, { url });
    expect(response.statusCode).toBe(401);
    expect(response.json()).toEqual({ error: 'a valid token is needed' });
  });

  test.each(urls)('an expired token: 401 on %s', async (url) => {
    const expired = mintToken(SECRET, CONTRACT, 600, Date.now() - 3_600_000);
    const response = await get(app, { url, headers: auth(expired) });
    expect(response.statusCode).toBe(401);
  });

  test('a tampered token: 401 (contract, expiry, nonce or signature changed; another secret)', async () => {
    const good = token();
    const [contract, expiry, nonce, signature] = good.split('.') as [string, string, string, string];
    const flip = (text: string) => text.slice(0, -1) + (text.endsWith('A') ? 'B' : 'A');
    const tampered = [
      [`N000000002`, expiry, nonce, signature],
      [contract, String(Number(expiry) + 3600), nonce, signature],
      [contract, expiry, nonce.replace(/^./, (c) => (c === '0' ? '1' : '0')), signature],
      [contract, expiry, nonce, flip(signature)],
    ].map((parts) => parts.join('.'));
    tampered.push(mintToken('another-secret-that-is-long-enough-0123456789', CONTRACT, 600), 'garbage', '');
    for (const value of tampered) {
      const response = await get(app, { url: `/api/contracts/${CONTRACT}/months`, headers: auth(value) });
      expect(response.statusCode).toBe(401);
    }
  });

  test('a valid token for another contract: 403, the same whether that contract exists or not', async () => {
    const other = token('N000000099');
    const existing = await get(app, { url: `/api/contracts/${CONTRACT}/statements/2011-04`, headers: auth(other) });
    const missing = await get(app, { url: `/api/contracts/N000000098/statements/2011-04`, headers: auth(other) });
    expect(existing.statusCode).toBe(403);
    expect(missing.statusCode).toBe(403);
    expect(existing.body).toBe(missing.body);
    const noToken = await get(app, { url: `/api/contracts/N000000098/months` });
    const noTokenExisting = await get(app, { url: `/api/contracts/${CONTRACT}/months` });
    expect(noToken.body).toBe(noTokenExisting.body);
  });

  test('the token may come as ?token=', async () => {
    const response = await get(app, { url: `/api/contracts/${CONTRACT}/months?token=${token()}` });
    expect(response.statusCode).toBe(200);
  });

  test('the access log never records a token', async () => {
    const value = token();
    await get(app, { url: `/contracts/${CONTRACT}?month=2011-04&token=${value}` });
    await get(app, { url: `/api/contracts/${CONTRACT}/months`, headers: auth(value) });
    const log = logLines.join('');
    expect(log).toContain('"event":"access"');
    expect(log).not.toContain(value.split('.')[3]!);
    expect(log).not.toContain('token=');
  });
});

/** A request written on a raw socket (to send what Node's client refuses to); the whole answer as text. */
function rawRequest(server: FastifyInstance, text: string): Promise<string> {
  const address = server.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.end(text));
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('utf8')));
    socket.on('error', reject);
  });
}

function headersOf(raw: string): Record<string, string> {
  const [head] = raw.split('\r\n\r\n') as [string];
  return Object.fromEntries(
    head
      .split('\r\n')
      .slice(1)
      .map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]),
  );
}

const SAFE_HEADERS = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

describe('the edges: what fastify and Node answer themselves', () => {
  test('an undecodable URL (/%): 400 with the usual headers, the path not echoed, an access line written', async () => {
    const before = logLines.length;
    const raw = await rawRequest(
      app,
      'GET /%<script>alert(1)</script> HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
    );
    expect(raw).toMatch(/^HTTP\/1\.1 400 /);
    expect(headersOf(raw)).toMatchObject(SAFE_HEADERS);
    expect(raw).not.toContain('script');
    const access = logLines.slice(before).filter((line) => line.includes('"event":"access"'));
    expect(access.map((line) => (JSON.parse(line) as { status: number }).status)).toEqual([400]);
  });

  test('a parameter past its length: 414 with the usual headers, the path not echoed, an access line', async () => {
    const before = logLines.length;
    const long = `N${'9'.repeat(150)}`;
    const response = await get(app, { url: `/api/contracts/${long}/months`, headers: auth() });
    expect(response.statusCode).toBe(414);
    expect(response.headers).toMatchObject(SAFE_HEADERS);
    expect(response.body).not.toContain(long);
    expect(logLines.slice(before).some((line) => line.includes('"status":414'))).toBe(true);
  });

  test('headers too large: 431 with the usual headers and an access line', async () => {
    const before = logLines.length;
    const raw = await rawRequest(app, `GET /health HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
    expect(raw).toMatch(/^HTTP\/1\.1 431 /);
    expect(headersOf(raw)).toMatchObject(SAFE_HEADERS);
    expect(
      logLines.slice(before).some((line) => line.includes('"event":"access"') && line.includes('"status":431')),
    ).toBe(true);
  });

  test('months refuses an unknown query parameter like the other routes', async () => {
    const response = await get(app, { url: `/api/contracts/${CONTRACT}/months?x=1`, headers: auth() });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual({ error: expect.any(String) });
  });

  test('the .html statement carries a Content-Security-Policy without scripts', async () => {
    const response = await get(app, { url: `/api/contracts/${CONTRACT}/statements/2011-04.html`, headers: auth() });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-security-policy']).toBe("default-src 'none'; style-src 'unsafe-inline'");
  });

  test('many clients at once past the bound: some answered, the rest 503 with Retry-After at once, then served again', async () => {
    const bounded = await started(
      buildViewServer({
        db: workspace.dbPath,
        secret: SECRET,
        reference: loadReferenceData(),
        window: windowMonths('2011-04', 7),
        logger: pino({ level: 'silent' }),
        maxInFlight: 2,
      }),
    );
    const value = token();
    const url = `/contracts/${CONTRACT}?month=2011-04&token=${value}`;
    const responses = await Promise.all(Array.from({ length: 60 }, () => get(bounded, { url })));
    const statuses = responses.map((response) => response.statusCode);
    expect(statuses.every((status) => status === 200 || status === 503)).toBe(true);
    expect(statuses.filter((status) => status === 200).length).toBeGreaterThanOrEqual(2);
    // Over SQLite each request's store work runs to its end on the event loop, so whether any is
    // shed depends on how the connections arrive; every one shed is a prompt 503 with Retry-After.
    const shed = responses.filter((response) => response.statusCode === 503);
    for (const response of shed) {
      expect(response.headers['retry-after']).toBe('1');
      expect(response.headers).toMatchObject(SAFE_HEADERS);
      expect(response.body).toContain('しばらくしてから');
    }
    // nothing is left counted: one client alone is served
    expect((await get(bounded, { url })).statusCode).toBe(200);
    expect((await get(bounded, { url: '/health' })).statusCode).toBe(200);
    await bounded.close();
  });
});

describe('the page answers a browser in Japanese HTML; the API keeps JSON', () => {
  const browser = { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' };

  test.each([
    ['400: a bad month', () => `/contracts/${CONTRACT}?month=2011-13&token=${token()}`, 400, 'ご指定の内容'],
    ['401: no token', () => `/contracts/${CONTRACT}?month=2011-04`, 401, '有効期限'],
    [
      '401: an expired token',
      () => `/contracts/${CONTRACT}?token=${mintToken(SECRET, CONTRACT, 600, Date.now() - 3_600_000)}`,
      401,
      '有効期限',
    ],
    ['403: another contract', () => `/contracts/N000000002?token=${token()}`, 403, 'このご契約'],
    [
      '404: a month outside the window',
      () => `/contracts/${CONTRACT}?month=2010-01&token=${token()}`,
      404,
      '2010年10月分から2011年4月分',
    ],
    [
      '404: a call page past the last',
      () => `/contracts/${CONTRACT}/calls?month=2011-04&page=999&token=${token()}`,
      404,
      'ページまで',
    ],
  ])('%s', async (_name, url, status, words) => {
    const response = await get(app, { url: url(), headers: browser });
    expect(response.statusCode).toBe(status);
    expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(response.headers['content-security-policy']).toContain("default-src 'none'");
    expect(response.body).toMatch(/^<!DOCTYPE html>\n<html lang="ja">/);
    expect(response.body).toContain(words);
    expect(response.body).not.toContain('{"error"');
    expect(response.body).not.toContain('token');
  });

  test('503: the store missing', async () => {
    const other = await started(
      buildViewServer({
        db: join(workspace.directory, 'absent.sqlite'),
        secret: SECRET,
        reference: loadReferenceData(),
        window: windowMonths('2011-04', 7),
        logger: pino({ level: 'silent' }),
      }),
    );
    const response = await get(other, { url: `/contracts/${CONTRACT}?token=${token()}`, headers: browser });
    expect(response.statusCode).toBe(503);
    expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(response.headers['retry-after']).toBeDefined();
    expect(response.body).toContain('ただいまご利用いただけません');
    const api = await get(other, { url: `/api/contracts/${CONTRACT}/months`, headers: { ...auth(), ...browser } });
    expect(api.statusCode).toBe(503);
    expect(api.json()).toEqual({ error: expect.any(String) });
    await other.close();
  });

  test('an unknown path: a browser gets the HTML 404, any other client and every /api/ path JSON', async () => {
    const page = await get(app, { url: '/nowhere', headers: browser });
    expect(page.statusCode).toBe(404);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.body).toContain('見つかりません');
    expect((await get(app, { url: '/nowhere' })).json()).toEqual({ error: 'not found' });
    expect((await get(app, { url: '/api/nowhere', headers: browser })).json()).toEqual({ error: 'not found' });
  });

  test('the API routes keep JSON for a browser too', async () => {
    const response = await get(app, {
      url: `/api/contracts/${CONTRACT}/statements/2011-13`,
      headers: { ...auth(), ...browser },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual({ error: expect.any(String) });
  });
});

describe('the window and its 404s', () => {
  test('a 404 never names a month outside the window (the store has 2011-03 and 2011-04)', async () => {
    const early = await started(
      buildViewServer({
        db: workspace.dbPath,
        secret: SECRET,
        reference: loadReferenceData(),
        window: windowMonths('2011-02', 2),
        logger: pino({ level: 'silent' }),
      }),
    );
    for (const url of [
      `/api/contracts/${CONTRACT}/statements/2011-02`,
      `/api/contracts/${CONTRACT}/statements/2011-02/calls`,
      `/api/contracts/${CONTRACT}/statements/2011-04`,
      `/contracts/${CONTRACT}?month=2011-04`,
    ]) {
      const response = await get(early, { url, headers: auth() });
      expect(response.statusCode).toBe(404);
      // the month asked for may be named; the store's other months never
      expect(response.body).not.toMatch(url.includes('2011-04') ? /2011-03|2011年3月/ : /2011-0[34]|2011年[34]月/);
    }
    await early.close();
  });

  test('the default window on a store whose months are long past: it ends at the newest month with a statement', async () => {
    const now = () => Date.parse('2026-12-04T00:00:00Z');
    const current = await started(
      buildViewServer({
        db: workspace.dbPath,
        secret: SECRET,
        reference: loadReferenceData(),
        window: { length: 7, now },
        logger: pino({ level: 'silent' }),
      }),
    );
    expect((await get(current, { url: `/api/contracts/${CONTRACT}/months`, headers: auth() })).json()).toEqual({
      contract: CONTRACT,
      months: ['2011-05', '2011-04', '2011-03'],
    });
    const page = await get(current, { url: `/contracts/${CONTRACT}?token=${token()}` });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<option value="2011-05" selected>');
    expect(page.body).toContain('ご利用明細(全番号合計)');
    await current.close();
  });
});
