import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import pino from 'pino';
import { FastifyInstance } from 'fastify';
import type { Browser } from 'playwright-core';
import { ingestFile } from '../ingest/ingestFile';
import { loadReferenceData, PROJECT_ROOT } from '../reference/referenceData';
import { runCli } from '../test-support/runCli';
import { createWorkspace, TempWorkspace } from '../test-support/tempStore';
import { buildViewServer } from './server';
import { mintToken } from './token';
import { windowMonths } from './window';

/**
 * The page in a real browser: Debian's Chromium, headless. Without /usr/bin/chromium the test is
 * skipped with one line on stderr; MEISAI_REQUIRE_CHROMIUM=1 (CI) makes a missing browser a failure.
 * MEISAI_CHROMIUM names another executable.
 */
const CHROMIUM = process.env.MEISAI_CHROMIUM ?? '/usr/bin/chromium';
const HAVE_CHROMIUM = existsSync(CHROMIUM);
const REQUIRE_CHROMIUM = process.env.MEISAI_REQUIRE_CHROMIUM === '1';
if (!HAVE_CHROMIUM && !REQUIRE_CHROMIUM) {
  process.stderr.write(
    `browser test skipped: ${CHROMIUM} is missing (apt-get install chromium fonts-noto-cjk; MEISAI_REQUIRE_CHROMIUM=1 fails instead)\n`,
  );
}
const describeInBrowser = HAVE_CHROMIUM || REQUIRE_CHROMIUM ? describe : describe.skip;

const SECRET = 'a-test-secret-that-is-long-enough-0123456789';
const CONTRACT = 'N000000001';
export const ARTEFACTS = join(PROJECT_ROOT, 'test-artifacts');

/** The seed document's all-number table (its total duration as it foots: 109:54:23.5, see README). */
const SEED_TABLE = [
  ['', '明細種別', '通話種別', '通話数', '通話時間 (時-分-秒)', '通話料金 (円)'],
  ['全番号合計', '通話', '一般通話', '1096', '28:49:53.5', '10,240'],
  ['国際通話', '600', '55:01:00.0', '96,870'],
  ['携帯通話', '330', '4:40:45.0', '7,680'],
  ['IP通話', '480', '10:27:15.0', '0'],
  ['PHS通話', '510', '10:55:30.0', '15,300'],
  ['合計', '', '3016', '109:54:23.5', '130,090'],
  ['着割', '着割対象通話', '3016', '39:07:43.0', '-1,174'],
];

describeInBrowser('the statement page in Chromium', () => {
  let workspace: TempWorkspace;
  let app: FastifyInstance;
  let browser: Browser;
  let base: string;

  beforeAll(async () => {
    if (!HAVE_CHROMIUM)
      throw new Error(`MEISAI_REQUIRE_CHROMIUM=1 but ${CHROMIUM} is missing: apt-get install chromium fonts-noto-cjk`);
    workspace = createWorkspace();
    await ingestFile(workspace.store, loadReferenceData(), join(PROJECT_ROOT, 'fixtures', 'seed-2011-04.csv'));
    // the seed month billed, for 請求情報一覧 and 請求情報照会: one invoice of 131,807 yen
    process.env.MEISAI_LOG_LEVEL = 'silent';
    for (const args of [
      ['customers', 'import', join(PROJECT_ROOT, 'fixtures', 'billing', 'seed-customers.csv')],
      ['close', '--month', '2011-04'],
      ['bill', '--month', '2011-04', '--issued-on', '2011-05-10'],
    ]) {
      const result = await runCli([...args, '--db', workspace.dbPath]);
      if (result.code !== 0) throw new Error(`meisai ${args.join(' ')} exited ${result.code}: ${result.stderr}`);
    }
    app = buildViewServer({
      db: workspace.dbPath,
      secret: SECRET,
      reference: loadReferenceData(),
      window: windowMonths('2011-04', 7),
      logger: pino({ level: 'silent' }),
    });
    base = await app.listen({ host: '127.0.0.1', port: 0 });
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--no-first-run',
      ],
    });
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    workspace?.cleanUp();
  });

  test('pick 2011年4月分, press 表示: the all-number table reads as the seed, the token kept', async () => {
    const page = await browser.newPage({ javaScriptEnabled: false });
    const token = mintToken(SECRET, CONTRACT, 600);
    const first = await page.goto(`${base}/contracts/${CONTRACT}?month=2010-12&token=${token}`);
    expect(first?.status()).toBe(200);
    expect(await page.locator('p.empty').textContent()).toBe('2010年12月分のご利用明細はありません。');
    expect(await page.locator('#contract').textContent()).toBe(CONTRACT);
    await page.selectOption('select[name="month"]', '2011-04');
    await Promise.all([page.waitForURL(/month=2011-04/), page.getByRole('button', { name: '表示' }).click()]);
    expect(new URL(page.url()).searchParams.get('token')).toBe(token);
    expect(await page.locator('select[name="month"]').inputValue()).toBe('2011-04');
    const table = page.locator('section').first();
    expect(await table.locator('h2').textContent()).toBe('ご利用明細(全番号合計)');
    const cells: string[][] = [];
    for (const row of await table.locator('tr').all())
      cells.push((await row.locator('th, td').allTextContents()).map((text) => text.trim()));
    expect(cells).toEqual(SEED_TABLE);
    expect(await page.locator('section').count()).toBeGreaterThan(1);
    // the chart above the tables: April's bar pieces add up to its statement total (130,090 yen)
    const pieces = await page
      .locator('svg.summary rect.bar[data-month="2011-04"]')
      .evaluateAll((rects) => rects.map((rect) => rect.getAttribute('data-yen') ?? ''));
    expect(pieces.reduce((sum, yen) => sum + Number.parseInt(yen, 10), 0)).toBe(130_090);
    mkdirSync(ARTEFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTEFACTS, 'statement-page.png'), fullPage: true });
    await page.close();
  });

  test('on a 390 px phone the page does not scroll sideways, the chart takes the width, the note line is there', async () => {
    const page = await browser.newPage({ javaScriptEnabled: false, viewport: { width: 390, height: 844 } });
    const token = mintToken(SECRET, CONTRACT, 600);
    await page.goto(`${base}/contracts/${CONTRACT}?month=2011-04&token=${token}`);
    const widths = await page.evaluate('[document.documentElement.scrollWidth, document.documentElement.clientWidth]');
    const [scrollWidth, clientWidth] = widths as [number, number];
    expect(scrollWidth).toBeLessThanOrEqual(clientWidth);
    const chart = await page.locator('svg.summary').boundingBox();
    expect(chart!.width).toBeLessThanOrEqual(390);
    expect(chart!.width).toBeGreaterThan(300);
    // 明細種別 on one line: its cell no taller than a row of figures
    const heading = await page.locator('section').first().locator('thead th', { hasText: '明細種別' }).boundingBox();
    const figure = await page.locator('section').first().locator('td.number').first().boundingBox();
    expect(heading!.height).toBeLessThan(figure!.height * 2);
    expect(await page.locator('p.caution').first().textContent()).toContain('※ご利用明細をご覧いただく前に');
    mkdirSync(ARTEFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTEFACTS, 'statement-page-390.png'), fullPage: true });
    await page.close();
  });

  test('an expired link gives the Japanese error page', async () => {
    const page = await browser.newPage({ javaScriptEnabled: false });
    const expired = mintToken(SECRET, CONTRACT, 600, Date.now() - 3_600_000);
    const response = await page.goto(`${base}/contracts/${CONTRACT}?month=2011-04&token=${expired}`);
    expect(response?.status()).toBe(401);
    expect(await page.locator('p.error').textContent()).toContain('有効期限が切れています');
    await page.close();
  });

  test('通話明細: the calls of the month, peers masked, a page at a time, with the CSV download', async () => {
    const page = await browser.newPage({ javaScriptEnabled: false, viewport: { width: 390, height: 844 } });
    const token = mintToken(SECRET, CONTRACT, 600);
    await page.goto(`${base}/contracts/${CONTRACT}?month=2011-04&token=${token}`);
    await Promise.all([page.waitForURL(/\/calls/), page.getByRole('link', { name: '通話明細' }).click()]);
    const rows = page.locator('table.calls tbody tr');
    expect(await rows.count()).toBe(100);
    const peers = await page.locator('table.calls tbody tr td:nth-child(4)').allTextContents();
    expect(peers.filter((peer) => peer !== '非通知').every((peer) => peer.endsWith('****'))).toBe(true);
    expect(await page.locator('p.count').textContent()).toContain('1〜100件目');
    const [scrollWidth, clientWidth] = (await page.evaluate(
      '[document.documentElement.scrollWidth, document.documentElement.clientWidth]',
    )) as [number, number];
    expect(scrollWidth).toBeLessThanOrEqual(clientWidth);
    const href = await page.getByRole('link', { name: '通話明細をダウンロード (CSV)' }).getAttribute('href');
    const csv = await page.request.get(new URL(href!, base).toString());
    expect(csv.status()).toBe(200);
    expect(csv.headers()['content-type']).toBe('text/csv; charset=utf-8');
    expect((await csv.text()).split('\r\n')[0]).toMatch(/^number,direction,start,peer,/);
    await page.close();
  });

  test('請求情報一覧 then 請求情報照会 from the tab bar at 390 px: the invoice, its PDF, no sideways scroll', async () => {
    const page = await browser.newPage({ javaScriptEnabled: false, viewport: { width: 390, height: 844 } });
    const token = mintToken(SECRET, CONTRACT, 600);
    const noSidewaysScroll = async () => {
      const [scrollWidth, clientWidth] = (await page.evaluate(
        '[document.documentElement.scrollWidth, document.documentElement.clientWidth]',
      )) as [number, number];
      expect(scrollWidth).toBeLessThanOrEqual(clientWidth);
    };
    await page.goto(`${base}/contracts/${CONTRACT}?month=2011-04&token=${token}`);
    // the three tabs on one line, inside the screen
    const tabs = await page
      .locator('nav.tabs li')
      .evaluateAll((items) => items.map((item) => item.getBoundingClientRect()).map((box) => [box.top, box.right]));
    expect(new Set(tabs.map(([top]) => top)).size).toBe(1);
    expect(Math.max(...tabs.map(([, right]) => right!))).toBeLessThanOrEqual(390);
    await Promise.all([
      page.waitForURL(/\/invoices\?/),
      page.locator('nav.tabs').getByRole('link', { name: '請求情報一覧' }).click(),
    ]);
    expect(await page.locator('nav.tabs [aria-current="page"]').textContent()).toBe('請求情報一覧');
    const row = (await page.locator('table.invoice-list tbody tr td').allTextContents()).map((text) => text.trim());
    expect(row).toEqual(['2011年4月分', 'T1234567890123-00000001', '適格請求書', '131,807円', '発行済']);
    await noSidewaysScroll();
    mkdirSync(ARTEFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTEFACTS, 'invoice-list-390.png'), fullPage: true });
    await Promise.all([
      page.waitForURL(/\/invoice\?/),
      page.getByRole('link', { name: 'T1234567890123-00000001' }).click(),
    ]);
    expect(new URL(page.url()).searchParams.get('token')).toBe(token);
    expect(await page.locator('nav.tabs [aria-current="page"]').textContent()).toBe('請求情報照会');
    expect(await page.locator('main.invoice p.amount-due .value').textContent()).toBe('131,807円');
    // the invoice's first column (区分) is shown, not hidden as a statement table's scope column is on a phone
    expect(await page.locator('main.invoice table.lines thead th').first().isVisible()).toBe(true);
    await noSidewaysScroll();
    const main = await page.locator('main.invoice').boundingBox();
    expect(main!.x + main!.width).toBeLessThanOrEqual(390);
    await page.screenshot({ path: join(ARTEFACTS, 'invoice-inquiry-390.png'), fullPage: true });
    const href = await page.locator('p.invoice-pdf a').getAttribute('href');
    const pdf = await page.request.get(new URL(href!, base).toString());
    expect(pdf.status()).toBe(200);
    expect(pdf.headers()['content-type']).toBe('application/pdf');
    expect((await pdf.body()).subarray(0, 5).toString('latin1')).toBe('%PDF-');
    await page.close();
  });

  test.each([360, 420])('at %i px the two invoice tabs do not scroll sideways either', async (width) => {
    const page = await browser.newPage({ javaScriptEnabled: false, viewport: { width, height: 800 } });
    const token = mintToken(SECRET, CONTRACT, 600);
    for (const path of [
      `/contracts/${CONTRACT}/invoices?token=${token}`,
      `/contracts/${CONTRACT}/invoice?token=${token}`,
    ]) {
      expect((await page.goto(`${base}${path}`))?.status()).toBe(200);
      const [scrollWidth, clientWidth] = (await page.evaluate(
        '[document.documentElement.scrollWidth, document.documentElement.clientWidth]',
      )) as [number, number];
      expect(scrollWidth).toBeLessThanOrEqual(clientWidth);
    }
    await page.close();
  });
});
