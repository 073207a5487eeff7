import { readFileSync } from 'node:fs';
import { Invoice } from './invoice';
import { formatIssueDate, honorific } from './invoiceLayout';
import { renderInvoiceHtml } from './renderInvoiceHtml';

const fixture = (name: string): Invoice =>
  JSON.parse(readFileSync(`fixtures/invoices/${name}.json`, 'utf8')) as Invoice;

const rowsOf = (html: string, tableClass: string): string[] => {
  const start = html.indexOf(`<table class="${tableClass}">`);
  return html
    .slice(start, html.indexOf('</table>', start))
    .split('\n')
    .filter((line) => line.startsWith('<tr'));
};

describe('renderInvoiceHtml', () => {
  it('is a self-contained Japanese page printed on A4', () => {
    const html = renderInvoiceHtml(fixture('ten-percent-chakuwari-levies'));
    expect(html.startsWith('<!DOCTYPE html>\n<html lang="ja">\n<head>\n<meta charset="utf-8">\n')).toBe(true);
    expect(html).toContain('<title>適格請求書 2026-000101</title>');
    expect(html).toMatch(/@page \{ size: A4;/);
    expect(html).toContain('@media print');
    const lower = html.toLowerCase();
    expect(lower).not.toContain('<script');
    expect(lower).not.toMatch(/https?:|\/\/|src=|href=|<link|@import|url\(/);
  });

  it('names the issuer with its registration number and address, and the recipient with 御中 or 様', () => {
    const html = renderInvoiceHtml(fixture('ten-percent-chakuwari-levies'));
    expect(html).toContain(
      '<address class="issuer"><span class="issuer-name">メイサイ通信株式会社</span><br><span class="registration">登録番号 T7123456789012</span><br>' +
        '<span class="issuer-address">東京都千代田区丸の内一丁目1番1号</span></address>',
    );
    expect(html).toContain('<p class="recipient">株式会社サンプル商事 御中</p>');
    expect(renderInvoiceHtml(fixture('eight-and-ten-percent'))).toContain('<p class="recipient">山田 太郎 様</p>');
  });

  it('lists the number, issue date, month of use and contract, and the amount due with separators', () => {
    const html = renderInvoiceHtml(fixture('ten-percent-chakuwari-levies'));
    expect(html).toContain(
      '<dl class="fields">\n<dt>請求書番号</dt><dd>2026-000101</dd>\n<dt>発行日</dt><dd>2026年5月8日</dd>\n' +
        '<dt>ご利用月</dt><dd>2026年4月分</dd>\n<dt>ご契約番号</dt><dd>N000000001</dd>\n</dl>',
    );
    expect(html).toContain(
      '<p class="amount-due"><span class="heading">ご請求金額（税込）</span><span class="value">35,917円</span></p>',
    );
  });

  it('gives each rate its own total and tax, 10% first, and marks the 8% lines ※1', () => {
    const html = renderInvoiceHtml(fixture('eight-and-ten-percent'));
    expect(rowsOf(html, 'taxes')).toEqual([
      '<tr data-tax="10"><th scope="row">10%対象</th><td class="number">1,000円</td><td class="number">100円</td></tr>',
      '<tr data-tax="8"><th scope="row">8%対象</th><td class="number">11,823円</td><td class="number">945円</td></tr>',
    ]);
    expect(rowsOf(html, 'lines')[1]).toBe(
      '<tr data-kind="usage" data-tax="8"><td>通話料</td><td>一般通話</td><td>050-1111-2222</td><td class="number">1,234</td>' +
        '<td class="number">11,520</td><td class="tax">8%<span class="mark">※1</span></td></tr>',
    );
    expect(html).toContain('<p>※1 は消費税率8%の対象です。</p>');
    expect(html).not.toContain('※2');
  });

  it('shows the exempt total apart, marks the exempt lines ※2 and prints how 着割 was allocated', () => {
    const html = renderInvoiceHtml(fixture('international-exempt'));
    expect(rowsOf(html, 'taxes')).toContain(
      '<tr data-tax="exempt"><th scope="row">免税対象</th><td class="number">96,580円</td><td class="number">-</td></tr>',
    );
    expect(html).toContain('<td class="tax">免税<span class="mark">※2</span></td>');
    expect(html).toContain(
      '<section class="notes">\n<h2>備考</h2>\n<p>着割 450円は、課税対象（10%）の通話料 160円に先に充て',
    );
  });

  it('titles a credit note 返還インボイス and names the invoice it corrects', () => {
    const html = renderInvoiceHtml(fixture('credit-note'));
    expect(html).toContain('<h1>適格返還請求書（返還インボイス）</h1>');
    expect(html).toContain('<main class="invoice" data-kind="credit-note">');
    expect(html).toContain('<dt>修正対象の請求書番号</dt><dd>2026-000101</dd>');
    expect(html).toContain('<span class="value">-440円</span>');
    const debit = renderInvoiceHtml({ ...fixture('credit-note'), kind: 'debit-note' });
    expect(debit).toContain('<h1>適格請求書（修正）</h1>');
  });

  it('leaves out 備考 when the invoice has no notes', () => {
    expect(renderInvoiceHtml(fixture('eight-and-ten-percent'))).not.toContain('備考');
  });

  it('escapes a hostile string wherever it appears', () => {
    const hostile = '<script>alert("x")</script>&\'';
    const invoice = fixture('international-exempt');
    const html = renderInvoiceHtml({
      ...invoice,
      invoiceNumber: hostile,
      issuer: { name: hostile, registrationNumber: hostile, address: hostile },
      recipient: { name: hostile },
      lines: invoice.lines.map((line) => ({ ...line, label: hostile })),
      notes: [hostile],
    });
    expect(html).not.toContain('<script');
    // title, 請求書番号, recipient, issuer name, registration number, address, the note, and each line's label
    expect(html.split('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;').length - 1).toBe(
      7 + invoice.lines.length,
    );
  });

  it('refuses an amount that is not a decimal string rather than print it', () => {
    const invoice = fixture('credit-note');
    expect(() => renderInvoiceHtml({ ...invoice, total: '1e3' })).toThrow(RangeError);
  });
});

describe('honorific', () => {
  it.each([
    ['株式会社サンプル商事', '御中'],
    ['サンプル商事株式会社', '御中'],
    ['(株)サンプル', '御中'],
    ['合同会社グローバル', '御中'],
    ['一般社団法人日本サンプル協会', '御中'],
    ['山田 太郎', '様'],
    ['Taro Yamada', '様'],
  ])('addresses %s as %s', (name, expected) => {
    expect(honorific(name)).toBe(expected);
  });
});

describe('formatIssueDate', () => {
  it.each([
    ['2026-05-08', '2026年5月8日'],
    ['2019-10-31', '2019年10月31日'],
  ])('prints %s as %s', (date, printed) => {
    expect(formatIssueDate(date)).toBe(printed);
  });

  it.each(['2026-5-8', '2026-13-01', '20260508'])('refuses %s', (date) => {
    expect(() => formatIssueDate(date)).toThrow(RangeError);
  });
});
