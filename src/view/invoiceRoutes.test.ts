import { get as httpGet } from 'node:http';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import Database from 'better-sqlite3';
import { FastifyInstance } from 'fastify';
import { Client } from 'pg';
import pino from 'pino';
import { loadReferenceData, PROJECT_ROOT } from '../reference/referenceData';
import { billEdgeMonthThenRerate } from '../test-support/edgeMonth';
import { describePostgres, useTestDatabase } from '../test-support/postgres';
import { runCli } from '../test-support/runCli';
import { createWorkspace, TempWorkspace } from '../test-support/tempStore';
import { buildViewServer } from './server';
import { mintToken } from './token';
import { windowMonths } from './window';

/**
 * 請求情報一覧 and 請求情報照会 over HTTP, on SQLite and on PostgreSQL: a store with the seed month
 * billed (customers import, ingest, close, bill), then the page and API routes under the token and
 * window rules of the statement page, and a stored invoice altered after issue answered 500.
 */
const SECRET = 'a-test-secret-that-is-long-enough-0123456789';
const CONTRACT = 'N000000001';
const OTHER = 'N000000002';
const NUMBER = 'T1234567890123-00000001';
const UNKNOWN = 'T1234567890123-00000099';
const SEED = join(PROJECT_ROOT, 'fixtures', 'seed-2011-04.csv');
const CUSTOMERS = join(PROJECT_ROOT, 'fixtures', 'billing', 'seed-customers.csv');

interface Got {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
  text: string;
}

function get(server: FastifyInstance, path: string, headers: Record<string, string> = {}): Promise<Got> {
  const address = server.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return new Promise((resolve, reject) => {
    httpGet({ host: '127.0.0.1', port, path, headers, agent: false }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        const body = Buffer.concat(chunks);
        resolve({
          status: response.statusCode ?? 0,
          headers: response.headers as Record<string, string>,
          body,
          text: body.toString('utf8'),
        });
      });
    }).on('error', reject);
  });
}

const token = (contract = CONTRACT) => mintToken(SECRET, contract, 600);
const auth = (contract = CONTRACT) => ({ authorization: `Bearer ${token(contract)}` });

async function cli(...args: string[]): Promise<string> {
  const result = await runCli(args);
  if (result.code !== 0) throw new Error(`meisai ${args.join(' ')} exited ${result.code}: ${result.stderr}`);
  return result.stdout;
}

/** The seed month billed in the store at `db`: one invoice, 131,807 yen (see fixtures/billing/billing.test.ts). */
async function billSeedMonth(db: string): Promise<void> {
  await cli('customers', 'import', CUSTOMERS, '--db', db);
  await cli('ingest', SEED, '--db', db);
  await cli('close', '--month', '2011-04', '--db', db);
  await cli('bill', '--month', '2011-04', '--issued-on', '2011-05-10', '--db', db);
}

interface EngineStore {
  db: string;
  /** A second, empty store, for the month with a credit note. */
  noteDb: string;
  /** Alters the stored invoice's JSON past its immutability trigger, as a damaged store would be. */
  alterInvoice(): Promise<void>;
}

function invoiceRoutes(engine: string, storeOf: () => EngineStore): void {
  describe(`the invoice tabs over HTTP: ${engine}`, () => {
    let app: FastifyInstance;
    let logLines: string[];
    let db: string;

    beforeAll(async () => {
      process.env.MEISAI_LOG_LEVEL = 'silent';
      db = storeOf().db;
      await billSeedMonth(db);
      logLines = [];
      const sink = new Writable({
        write(chunk, _encoding, done) {
          logLines.push(String(chunk));
          done();
        },
      });
      app = buildViewServer({
        db,
        secret: SECRET,
        reference: loadReferenceData(),
        window: windowMonths('2011-04', 7),
        logger: pino({ level: 'info' }, sink),
      });
      await app.listen({ host: '127.0.0.1', port: 0 });
    });

    afterAll(async () => {
      await app?.close();
    });

    test("API list: the window's invoices with month, number, kind, amount and status", async () => {
      const response = await get(app, `/api/contracts/${CONTRACT}/invoices`, auth());
      expect(response.status).toBe(200);
      expect(response.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(JSON.parse(response.text)).toEqual({
        contract: CONTRACT,
        invoices: [
          {
            month: '2011-04',
            invoiceNumber: NUMBER,
            kind: 'invoice',
            corrects: null,
            issuedOn: '2011-05-10',
            total: '131807',
            status: 'issued',
          },
        ],
      });
    });

    test('API document: the stored JSON byte for byte (what meisai invoice --format json prints), and its PDF', async () => {
      const printed = await cli(
        'invoice',
        '--contract',
        CONTRACT,
        '--month',
        '2011-04',
        '--format',
        'json',
        '--db',
        db,
      );
      for (const path of [
        `/api/contracts/${CONTRACT}/invoices/${NUMBER}`,
        `/api/contracts/${CONTRACT}/invoices/${NUMBER}.json`,
      ]) {
        const response = await get(app, path, auth());
        expect(response.status).toBe(200);
        expect(response.headers['content-type']).toBe('application/json; charset=utf-8');
        expect(response.text).toBe(printed);
      }
      const pdf = await get(app, `/api/contracts/${CONTRACT}/invoices/${NUMBER}.pdf?token=${token()}`);
      expect(pdf.status).toBe(200);
      expect(pdf.headers['content-type']).toBe('application/pdf');
      expect(pdf.headers['content-disposition']).toBe(`inline; filename="${NUMBER}.pdf"`);
      expect(pdf.body.subarray(0, 5).toString('latin1')).toBe('%PDF-');
      expect(pdf.headers['x-content-type-options']).toBe('nosniff');
      const html = await get(app, `/api/contracts/${CONTRACT}/invoices/${NUMBER}.html`, auth());
      expect(html.headers['content-security-policy']).toBe("default-src 'none'; style-src 'unsafe-inline'");
      expect(html.text).toBe(
        await cli('invoice', '--contract', CONTRACT, '--month', '2011-04', '--format', 'html', '--db', db),
      );
    });

    test('請求情報一覧: the tab bar with the list current, one linked row; 請求情報照会: the invoice and its PDF link', async () => {
      const list = await get(app, `/contracts/${CONTRACT}/invoices?token=${token()}`);
      expect(list.status).toBe(200);
      expect(list.headers['content-security-policy']).toBe(
        "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'",
      );
      expect(list.text).toContain('<li class="current"><span aria-current="page">請求情報一覧</span></li>');
      expect(list.text).toContain(
        `<tr data-status="issued"><td data-label="ご利用月">2011年4月分</td><td data-label="請求書番号"><a href="/contracts/${CONTRACT}/invoice?number=${NUMBER}&amp;token=${token().split('.')[0]}`,
      );
      expect(list.text).toContain(
        '<td class="number" data-label="ご請求金額(税込)">131,807円</td><td data-label="状態">発行済</td>',
      );
      for (const path of [
        `/contracts/${CONTRACT}/invoice`,
        `/contracts/${CONTRACT}/invoice?month=2011-04`,
        `/contracts/${CONTRACT}/invoice?number=${NUMBER}`,
      ]) {
        const inquiry = await get(app, path, { ...auth(), accept: 'text/html' });
        expect(inquiry.status).toBe(200);
        expect(inquiry.text).toContain('<li class="current"><span aria-current="page">請求情報照会</span></li>');
        expect(inquiry.text).toContain(
          `<a href="/api/contracts/${CONTRACT}/invoices/${NUMBER}.pdf" download>PDFで表示・保存（${NUMBER}）</a>`,
        );
        expect(inquiry.text).toContain('<main class="invoice" data-kind="invoice">');
      }
      const empty = await get(app, `/contracts/${CONTRACT}/invoice?month=2011-03`, auth());
      expect(empty.status).toBe(200);
      expect(empty.text).toContain('<p class="empty">2011年3月分の請求情報はありません。</p>');
    });

    test('a token for another contract: 403 on every invoice route, the page in Japanese, the API in JSON', async () => {
      for (const path of [`/api/contracts/${CONTRACT}/invoices`, `/api/contracts/${CONTRACT}/invoices/${NUMBER}.pdf`]) {
        const refused = await get(app, path, auth(OTHER));
        expect([refused.status, JSON.parse(refused.text)]).toEqual([
          403,
          { error: 'this token does not give access to that contract' },
        ]);
      }
      for (const path of [`/contracts/${CONTRACT}/invoices`, `/contracts/${CONTRACT}/invoice?number=${NUMBER}`]) {
        const refused = await get(app, path, auth(OTHER));
        expect(refused.status).toBe(403);
        expect(refused.headers['content-type']).toBe('text/html; charset=utf-8');
        expect(refused.text).toContain('<h2>請求情報を表示できません</h2>');
        expect(refused.text).toContain('このリンクでは、このご契約の請求情報は表示できません。');
      }
      // the other contract's own token finds no document of that number: the same 404 as a number that does not exist
      const mine = await get(app, `/api/contracts/${OTHER}/invoices/${NUMBER}`, auth(OTHER));
      expect([mine.status, JSON.parse(mine.text)]).toEqual([
        404,
        { error: `no invoice ${NUMBER} of contract ${OTHER}` },
      ]);
      expect((await get(app, `/api/contracts/${CONTRACT}/invoices`)).status).toBe(401);
    });

    test('an unknown invoice number: 404; a month outside the window: 404; an unknown parameter or a bad number: 400', async () => {
      const unknown = await get(app, `/api/contracts/${CONTRACT}/invoices/${UNKNOWN}.pdf`, auth());
      expect([unknown.status, JSON.parse(unknown.text)]).toEqual([
        404,
        { error: `no invoice ${UNKNOWN} of contract ${CONTRACT}` },
      ]);
      const page = await get(app, `/contracts/${CONTRACT}/invoice?number=${UNKNOWN}`, auth());
      expect(page.status).toBe(404);
      expect(page.text).toContain(`請求書番号 ${UNKNOWN} の請求情報は見つかりません。`);
      expect(page.text).toContain('<h2>請求情報が見つかりません</h2>');
      const outside = await get(app, `/contracts/${CONTRACT}/invoice?month=2010-09`, auth());
      expect(outside.status).toBe(404);
      expect(outside.text).toContain(
        '2010年9月分の請求情報はご確認いただけません。ご確認いただける月は2010年10月分から2011年4月分までです。',
      );
      const mismatch = await get(app, `/contracts/${CONTRACT}/invoice?month=2011-03&number=${NUMBER}`, auth());
      expect(mismatch.status).toBe(404);
      expect((await get(app, `/contracts/${CONTRACT}/invoices?month=2011-04`, auth())).status).toBe(400);
      expect((await get(app, `/contracts/${CONTRACT}/invoice?page=1`, auth())).status).toBe(400);
      expect((await get(app, `/api/contracts/${CONTRACT}/invoices/${NUMBER}.txt`, auth())).status).toBe(400);
      expect((await get(app, `/api/contracts/${CONTRACT}/invoices/${NUMBER}?format=pdf`, auth())).status).toBe(400);
    });

    test('a window that ends before the billed month: the invoice is neither listed nor served', async () => {
      const earlier = buildViewServer({
        db,
        secret: SECRET,
        reference: loadReferenceData(),
        window: windowMonths('2011-03', 7),
        logger: pino({ level: 'silent' }),
      });
      await earlier.listen({ host: '127.0.0.1', port: 0 });
      try {
        expect(JSON.parse((await get(earlier, `/api/contracts/${CONTRACT}/invoices`, auth())).text)).toEqual({
          contract: CONTRACT,
          invoices: [],
        });
        const served = await get(earlier, `/api/contracts/${CONTRACT}/invoices/${NUMBER}`, auth());
        expect([served.status, JSON.parse(served.text)]).toEqual([
          404,
          { error: 'month 2011-04 is outside the months shown (2010-09 to 2011-03)' },
        ]);
        expect((await get(earlier, `/contracts/${CONTRACT}/invoices`, auth())).text).toContain(
          '<p class="empty">請求情報はありません。</p>',
        );
      } finally {
        await earlier.close();
      }
    });

    test('a credit note: listed before the invoice it corrects, which is 訂正あり; the inquiry shows the note and links both', async () => {
      // fixtures/billing/billing.test.ts: N000000014 billed on BUSINESS, re-rated on REFERENCE, a credit note of -1,243 yen
      const noteDb = storeOf().noteDb;
      await billEdgeMonthThenRerate(noteDb);
      await cli('bill', '--month', '2011-04', '--issued-on', '2011-05-25', '--db', noteDb);
      const server = buildViewServer({
        db: noteDb,
        secret: SECRET,
        reference: loadReferenceData(),
        window: windowMonths('2011-04', 7),
        logger: pino({ level: 'silent' }),
      });
      await server.listen({ host: '127.0.0.1', port: 0 });
      try {
        const list = JSON.parse((await get(server, '/api/contracts/N000000014/invoices', auth('N000000014'))).text) as {
          invoices: { invoiceNumber: string; kind: string; total: string; status: string; corrects: string | null }[];
        };
        expect(list.invoices.map((row) => [row.invoiceNumber, row.kind, row.total, row.status, row.corrects])).toEqual([
          ['T1234567890123-00000005', 'credit-note', '-1243', 'issued', 'T1234567890123-00000004'],
          ['T1234567890123-00000004', 'invoice', expect.stringMatching(/^\d+$/), 'corrected', null],
        ]);
        const page = await get(server, '/contracts/N000000014/invoice?month=2011-04', auth('N000000014'));
        expect(page.text).toContain('<main class="invoice" data-kind="credit-note">');
        expect(page.text).toContain(
          '<li class="current"><span aria-current="page">適格返還請求書（返還インボイス） T1234567890123-00000005</span></li>',
        );
        expect(page.text).toContain(
          '<a href="/contracts/N000000014/invoice?number=T1234567890123-00000004">適格請求書 T1234567890123-00000004</a>',
        );
        expect((await get(server, '/contracts/N000000014/invoices', auth('N000000014'))).text).toContain(
          '<td data-label="状態">訂正あり</td>',
        );
      } finally {
        await server.close();
      }
    });

    // Last: it damages the store.
    test('a stored invoice altered after issue: 500 on the list, the page, the JSON and the PDF, logged, never re-rendered', async () => {
      await storeOf().alterInvoice();
      for (const path of [
        `/api/contracts/${CONTRACT}/invoices`,
        `/api/contracts/${CONTRACT}/invoices/${NUMBER}`,
        `/api/contracts/${CONTRACT}/invoices/${NUMBER}.pdf`,
      ]) {
        const damaged = await get(app, path, auth());
        expect([damaged.status, JSON.parse(damaged.text)]).toEqual([
          500,
          { error: 'the store is damaged: a stored invoice does not match its sha256' },
        ]);
      }
      const page = await get(app, `/contracts/${CONTRACT}/invoice?number=${NUMBER}`, auth());
      expect(page.status).toBe(500);
      expect(page.text).toContain('請求情報を表示できません。');
      expect(page.text).not.toContain('131,807');
      const damage = logLines
        .map((line) => JSON.parse(line) as Record<string, unknown>)
        .filter((line) => line.event === 'store-damaged');
      expect(damage.length).toBe(4);
      expect(damage[0]).toMatchObject({ level: 50, invoiceNumber: NUMBER, contract: CONTRACT, month: '2011-04' });
    });
  });
}

let workspace: TempWorkspace;
beforeAll(() => {
  workspace = createWorkspace();
  workspace.db.close();
});
afterAll(() => workspace.cleanUp());

invoiceRoutes('SQLite', () => ({
  db: workspace.dbPath,
  noteDb: join(workspace.directory, 'notes.sqlite'),
  async alterInvoice() {
    const db = new Database(workspace.dbPath);
    db.exec(
      'DROP TRIGGER invoices_never_change; UPDATE invoices SET invoice_json = replace(invoice_json, \'"131807"\', \'"1"\')',
    );
    db.close();
  },
}));

describePostgres('on PostgreSQL', () => {
  const database = useTestDatabase('view_invoices');
  const notes = useTestDatabase('view_notes');
  invoiceRoutes('PostgreSQL', () => ({
    db: database.url,
    noteDb: notes.url,
    async alterInvoice() {
      const client = new Client({ connectionString: database.url });
      await client.connect();
      try {
        await client.query('ALTER TABLE invoices DISABLE TRIGGER invoices_never_change');
        await client.query('UPDATE invoices SET invoice_json = replace(invoice_json, \'"131807"\', \'"1"\')');
      } finally {
        await client.end();
      }
    },
  }));
});
