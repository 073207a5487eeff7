import { get as httpGet, request as httpRequest } from 'node:http';
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

/** A GET on the server listening on 127.0.0.1 (light-my-request's inject needs an ES module jest cannot load). */
function get(server: FastifyInstance, options: { url: string; headers?: Record<string, string> }): Promise<Got> {
  const address = server.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return new Promise((resolve, reject) => {
    // No keep-alive agent: no socket outlives the test.
    const request = httpGet({ host: '127.0.0.1', port, path: options.url, headers: options.headers, agent: false }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        resolve({ statusCode: response.statusCode ?? 0, headers: response.headers as Record<string, string>, body, json: () => JSON.parse(body) });
      });
    });
    request.on('error', reject);
  });
}

function fetchStatus(port: number, method: string, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = httpRequest({ host: '127.0.0.1', port, path, method, agent: false, headers: auth() }, (response) => {
      response.resume();
      response.on('end', () => resolve(response.statusCode ?? 0));
    });
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
  app = buildViewServer({ db: workspace.dbPath, secret: SECRET, reference: loadReferenceData(), window: windowMonths('2011-04', 7), logger: pino({ level: 'info' }, sink) });
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

  test('months: within the window, newest first', async () => {
    const response = await get(app, { url: `/api/contracts/${CONTRACT}/months`, headers: auth() });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ contract: CONTRACT, months: ['2011-04', '2011-03'] });
  });

  test('summary: every window month oldest first, each one\'s charges adding up to its statement total; the page draws it', async () => {
    const summary = await get(app, { url: `/api/contracts/${CONTRACT}/summary`, headers: auth() });
    expect(summary.statusCode).toBe(200);
    const { months } = summary.json() as { months: { month: string; statement: boolean; charges: Record<string, string>; total: string; chakuwari: string }[] };
    expect(months.map((month) => month.month)).toEqual([...windowMonths('2011-04', 7)].reverse());
    for (const month of months) {
      expect(Object.values(month.charges).reduce((sum, charge) => sum + Number.parseInt(charge, 10), 0)).toBe(Number.parseInt(month.total, 10));
    }
    expect(months.at(-1)).toMatchObject({ month: '2011-04', statement: true, total: '130090', chakuwari: '-1174' });
    expect((await get(app, { url: `/api/contracts/${CONTRACT}/summary` })).statusCode).toBe(401);
    const page = await get(app, { url: `/contracts/${CONTRACT}?month=2011-04`, headers: auth() });
    expect(page.body).toContain('<svg class="summary"');
    expect(page.body).toContain('data-month="2011-04" data-type="international" data-yen="96870"');
  });

  test('a window that ends before the data shows no months', async () => {
    const other = await started(buildViewServer({ db: workspace.dbPath, secret: SECRET, reference: loadReferenceData(), window: windowMonths('2011-02', 7), logger: pino({ level: 'silent' }) }));
    const response = await get(other, { url: `/api/contracts/${CONTRACT}/months`, headers: auth() });
    expect(response.json()).toEqual({ contract: CONTRACT, months: [] });
    await other.close();
  });

  test('the statement JSON is exactly what meisai statement --format json prints', async () => {
    const cli = await runCli(['statement', '--contract', CONTRACT, '--month', '2011-04', '--format', 'json', '--db', workspace.dbPath]);
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
    const cli = await runCli(['statement', '--contract', CONTRACT, '--month', '2011-04', '--format', format, '--csv-encoding', 'utf8', '--db', workspace.dbPath]);
    const response = await get(app, { url: `/api/contracts/${CONTRACT}/statements/2011-04.${format}`, headers: auth() });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe(type);
    expect(response.body).toBe(cli.stdout);
  });

  test('?number= and ?revision=', async () => {
    const cli = await runCli(['statement', '--contract', CONTRACT, '--month', '2011-04', '--format', 'json', '--number', '05012345678', '--db', workspace.dbPath]);
    const response = await get(app, { url: `/api/contracts/${CONTRACT}/statements/2011-04?number=05012345678`, headers: auth() });
    if (cli.code === 0) {
      expect(response.statusCode).toBe(200);
      expect(response.body).toBe(cli.stdout);
    } else expect(response.statusCode).toBe(404);
    const revision = await get(app, { url: `/api/contracts/${CONTRACT}/statements/2011-04?revision=9`, headers: auth() });
    expect(revision.statusCode).toBe(404);
    expect(revision.json()).toEqual({ error: expect.stringContaining('no revision 9') });
  });

  test('calls: CSV, masked by default', async () => {
    const masked = await runCli(['calls', '--contract', CONTRACT, '--month', '2011-04', '--mask', '--csv-encoding', 'utf8', '--db', workspace.dbPath]);
    const plain = await runCli(['calls', '--contract', CONTRACT, '--month', '2011-04', '--csv-encoding', 'utf8', '--db', workspace.dbPath]);
    const response = await get(app, { url: `/api/contracts/${CONTRACT}/statements/2011-04/calls`, headers: auth() });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(response.body).toBe(masked.stdout);
    expect(response.body).not.toBe(plain.stdout);
    const unmasked = await get(app, { url: `/api/contracts/${CONTRACT}/statements/2011-04/calls?mask=false`, headers: auth() });
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
    const other = await started(buildViewServer({ db: join(workspace.directory, 'nothing.sqlite'), secret: SECRET, reference: loadReferenceData(), window: windowMonths('2011-04', 7), logger: pino({ level: 'silent' }) }));
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
  const urls = [`/api/contracts/${CONTRACT}/months`, `/api/contracts/${CONTRACT}/statements/2011-04`, `/api/contracts/${CONTRACT}/statements/2011-04/calls`, `/contracts/${CONTRACT}?month=2011-04`];

  test.each(urls)('no token: 401 on %s', async (url) => {
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
