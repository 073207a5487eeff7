import { get as httpGet } from 'node:http';
import { join } from 'node:path';
import pino from 'pino';
import { FastifyInstance } from 'fastify';
import { ingestFile } from '../ingest/ingestFile';
import { loadReferenceData } from '../reference/referenceData';
import { createWorkspace, TempWorkspace } from '../test-support/tempStore';
import { buildViewServer } from './server';
import { mintToken } from './token';
import { windowMonths } from './window';
import { renderInvoiceInquiryPage, renderInvoiceListPage, renderStatementPage, tabBar } from './page';

const SECRET = 'a-test-secret-that-is-long-enough-0123456789';
const CONTRACT = 'N000000001';

let workspace: TempWorkspace;
let app: FastifyInstance;
let port: number;

beforeAll(async () => {
  workspace = createWorkspace();
  await ingestFile(workspace.store, loadReferenceData(), join(__dirname, '..', '..', 'fixtures', 'seed-2011-04.csv'));
  app = buildViewServer({
    db: workspace.dbPath,
    secret: SECRET,
    reference: loadReferenceData(),
    window: windowMonths('2011-04', 7),
    logger: pino({ level: 'silent' }),
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  port = typeof address === 'object' && address !== null ? address.port : 0;
});

afterAll(async () => {
  await app.close();
  workspace.cleanUp();
});

function page(path: string): Promise<{ status: number; type: string; csp: string; body: string }> {
  return new Promise((resolve, reject) => {
    httpGet({ host: '127.0.0.1', port, path, agent: false }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () =>
        resolve({
          status: response.statusCode ?? 0,
          type: String(response.headers['content-type']),
          csp: String(response.headers['content-security-policy']),
          body,
        }),
      );
    }).on('error', reject);
  });
}

/** The text of each table row, cells joined by |, tags dropped. */
function rows(html: string): string[] {
  return [...html.matchAll(/<tr>(.*?)<\/tr>/g)].map((match) =>
    [...match[1]!.matchAll(/<t[hd][^>]*>(.*?)<\/t[hd]>/g)].map((cell) => cell[1]).join('|'),
  );
}

describe('the statement page', () => {
  test("the seed's layout: ご契約番号, the ご確認月 selector of the window, 表示 in a GET form keeping the token, the all-number table first", async () => {
    const token = mintToken(SECRET, CONTRACT, 600);
    const response = await page(`/contracts/${CONTRACT}?month=2011-04&token=${token}`);
    expect(response.status).toBe(200);
    expect(response.type).toBe('text/html; charset=utf-8');
    expect(response.csp).toContain("default-src 'none'");
    const html = response.body;
    expect(html).not.toMatch(/<script/i);
    expect(html).toContain(`<form class="selection" method="get" action="/contracts/${CONTRACT}">`);
    expect(html).toContain(`<span class="field">ご契約番号</span><span class="value" id="contract">${CONTRACT}</span>`);
    const options = [...html.matchAll(/<option value="([^"]+)"( selected)?>([^<]+)<\/option>/g)].map((match) => [
      match[1],
      match[2] !== undefined,
      match[3],
    ]);
    expect(options).toEqual(
      windowMonths('2011-04', 7).map((month) => [
        month,
        month === '2011-04',
        `${Number(month.slice(0, 4))}年${Number(month.slice(5))}月分`,
      ]),
    );
    expect(html).toContain(`<input type="hidden" name="token" value="${token}">`);
    expect(html).toContain('<button type="submit">表示</button>');
    const tableAt = html.indexOf('ご利用明細(全番号合計)');
    expect(tableAt).toBeGreaterThan(html.indexOf('</form>'));
    expect(html.indexOf('ご利用になった合計通話数と合計通話時間です。')).toBeGreaterThan(tableAt);
    expect(html).toContain('通話料金に消費税は含まれておりません。');
    expect(html).toContain('*着割の最大割引額: 通話料金を上限として割引を適用します。');
    const table = rows(html.slice(tableAt, html.indexOf('</table>', tableAt)));
    expect(table).toEqual([
      '|明細種別|通話種別|通話数|通話時間 (時-分-秒)|通話料金 (円)',
      expect.stringMatching(/^全番号合計\|通話\|一般通話\|1096\|28:49:53\.5\|10,240$/),
      expect.stringMatching(/^国際通話\|600\|55:01:00\.0\|96,870$/),
      expect.stringMatching(/^携帯通話\|330\|4:40:45\.0\|7,680$/),
      expect.stringMatching(/^IP通話\|480\|10:27:15\.0\|0$/),
      expect.stringMatching(/^PHS通話\|510\|10:55:30\.0\|15,300$/),
      expect.stringMatching(/^合計\|\|3016\|109:54:23\.5\|130,090$/),
      expect.stringMatching(/^着割\|着割対象通話\|3016\|39:07:43\.0\|-1,174$/),
    ]);
    // then each number's table
    expect([...html.matchAll(/ご利用明細\((050-\d{4}-\d{4})\)/g)].length).toBeGreaterThan(0);
    expect(html.indexOf('ご利用明細(050-')).toBeGreaterThan(tableAt);
  });

  test('no month: the newest month with a statement in the window; a month without one says so', async () => {
    const token = mintToken(SECRET, CONTRACT, 600);
    const newest = await page(`/contracts/${CONTRACT}?token=${token}`);
    expect(newest.body).toContain('<option value="2011-04" selected>');
    expect(newest.body).toContain('ご利用明細(全番号合計)');
    const empty = await page(`/contracts/${CONTRACT}?month=2010-12&token=${token}`);
    expect(empty.status).toBe(200);
    expect(empty.body).toContain('2010年12月分のご利用明細はありません。');
    expect(empty.body).not.toContain('<table>');
  });

  test('a month outside the window, a bad month: 4xx, JSON', async () => {
    const token = mintToken(SECRET, CONTRACT, 600);
    expect((await page(`/contracts/${CONTRACT}?month=2010-09&token=${token}`)).status).toBe(404);
    expect((await page(`/contracts/${CONTRACT}?month=2011-4&token=${token}`)).status).toBe(400);
    expect((await page(`/contracts/N1?token=${token}`)).status).toBe(403);
  });

  test('the token is escaped in the hidden field', () => {
    const html = renderStatementPage({
      contract: CONTRACT,
      month: '2011-04',
      window: ['2011-04'],
      token: '"><script>',
      statement: undefined,
    });
    expect(html).toContain('value="&quot;&gt;&lt;script&gt;"');
  });
});

describe('the tab bar, one for the three tabs', () => {
  test("the seed's three tabs in order, the current one marked and not a link, the others keeping the token and the month", () => {
    expect(tabBar(CONTRACT, 't&1', 'usage', '2011-04')).toBe(
      '<nav class="tabs" aria-label="料金・ご利用明細"><ul>' +
        `<li><a href="/contracts/${CONTRACT}/invoices?token=t%261">請求情報一覧</a></li>` +
        `<li><a href="/contracts/${CONTRACT}/invoice?month=2011-04&amp;token=t%261">請求情報照会</a></li>` +
        '<li class="current"><span aria-current="page">利用状況照会</span></li></ul></nav>',
    );
    expect(tabBar(CONTRACT, 't', 'list', undefined)).toContain(
      '<li class="current"><span aria-current="page">請求情報一覧</span></li>',
    );
    expect(tabBar(CONTRACT, 't', 'list', undefined)).toContain(
      `<a href="/contracts/${CONTRACT}?token=t">利用状況照会</a>`,
    );
  });

  test('every page draws the same bar: the statement, the invoice list and the inquiry', () => {
    /** The bar's labels in order, the current one in [brackets]. */
    const bar = (html: string) =>
      [
        .../<nav class="tabs"[^]*?<\/nav>/
          .exec(html)![0]
          .matchAll(/<li( class="current")?>(?:<a [^>]*>|<span [^>]*>)([^<]+)</g),
      ].map((match) => (match[1] === undefined ? match[2] : `[${match[2]}]`));
    const statement = renderStatementPage({
      contract: CONTRACT,
      month: '2011-04',
      window: ['2011-04'],
      token: 't',
      statement: undefined,
    });
    const list = renderInvoiceListPage({ contract: CONTRACT, token: 't', window: ['2011-04'], documents: [] });
    const inquiry = renderInvoiceInquiryPage({
      contract: CONTRACT,
      month: '2011-04',
      window: ['2011-04'],
      token: 't',
      invoice: undefined,
      monthDocuments: [],
    });
    expect(bar(statement)).toEqual(['請求情報一覧', '請求情報照会', '[利用状況照会]']);
    expect(bar(list)).toEqual(['[請求情報一覧]', '請求情報照会', '利用状況照会']);
    expect(bar(inquiry)).toEqual(['請求情報一覧', '[請求情報照会]', '利用状況照会']);
    expect(list).toContain('<p class="empty">請求情報はありません。</p>');
    expect(inquiry).toContain('<p class="empty">2011年4月分の請求情報はありません。</p>');
  });
});
