import { readFileSync } from 'node:fs';
import PDFDocument from 'pdfkit';
import { Invoice } from './invoice';
import { InvoiceLayout, invoiceLayout } from './invoiceLayout';

/**
 * The invoice as an A4 PDF, the same words as the HTML page (both read `invoiceLayout`), drawn
 * with PDFKit in Noto Sans JP. The font ships in the npm package @expo-google-fonts/noto-sans-jp
 * (TrueType outlines, SIL Open Font License 1.1), so a fresh `npm ci` can print; PDFKit embeds a
 * subset of the glyphs used (FontFile2, CIDFontType2) with a ToUnicode map, so the text can be
 * searched and copied and a one-page invoice weighs tens of kilobytes, not the font's 5 MB.
 *
 * The bytes depend on the invoice alone: the creation date is the issue date at 00:00 Japan
 * time, the file ID is PDFKit's hash of the info dictionary, the subset tags come from the
 * fonts' resource names, and nothing reads the clock or a random source.
 */

const FONT_FILES = {
  regular: '@expo-google-fonts/noto-sans-jp/400Regular/NotoSansJP_400Regular.ttf',
  bold: '@expo-google-fonts/noto-sans-jp/700Bold/NotoSansJP_700Bold.ttf',
} as const;

type FontName = keyof typeof FONT_FILES;

const fontCache = new Map<FontName, Buffer>();

/** The font's bytes, read once per process (5 MB each). */
function fontBytes(name: FontName): Buffer {
  let bytes = fontCache.get(name);
  if (bytes === undefined) {
    bytes = readFileSync(require.resolve(FONT_FILES[name]));
    fontCache.set(name, bytes);
  }
  return bytes;
}

const PAGE = { width: 595.28, height: 841.89, margin: 42, footer: 28 };
const CONTENT_WIDTH = PAGE.width - 2 * PAGE.margin;
const BOTTOM = PAGE.height - PAGE.margin - PAGE.footer;
const ACCENT = '#2a5caa';
const RULE = '#999999';
const SHADE = '#e8eef7';
const BODY_SIZE = 8.5;
const PADDING = 3;

interface Column {
  width: number;
  align: 'left' | 'right' | 'center';
}

/** 区分, 内容, 電話番号, 数量, 金額, 税率: 511 pt, the content width. */
const LINE_COLUMNS: Column[] = [
  { width: 112, align: 'left' },
  { width: 130, align: 'left' },
  { width: 80, align: 'left' },
  { width: 55, align: 'right' },
  { width: 80, align: 'right' },
  { width: CONTENT_WIDTH - 112 - 130 - 80 - 55 - 80, align: 'center' },
];
const SUMMARY_WIDTH = 300;
const TAX_COLUMNS: Column[] = [
  { width: 110, align: 'left' },
  { width: 95, align: 'right' },
  { width: 95, align: 'right' },
];
const TOTAL_COLUMNS: Column[] = [
  { width: 110, align: 'left' },
  { width: 190, align: 'right' },
];

export function renderInvoicePdf(invoice: Invoice): Promise<Buffer> {
  const layout = invoiceLayout(invoice);
  const issued = new Date(`${invoice.issuedOn}T00:00:00+09:00`);
  const doc = new PDFDocument({
    size: 'A4',
    margin: PAGE.margin,
    bufferPages: true,
    lang: 'ja-JP',
    displayTitle: true,
    info: {
      Title: `${layout.title} ${invoice.invoiceNumber}`,
      Author: invoice.issuer.name,
      Subject: `${invoice.contract} ${invoice.month}`,
      Creator: 'meisai',
      CreationDate: issued,
      ModDate: issued,
    },
  });
  doc.registerFont('regular', fontBytes('regular'));
  doc.registerFont('bold', fontBytes('bold'));
  const done = new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  new InvoicePainter(doc, layout, invoice.invoiceNumber).paint();
  doc.end();
  return done;
}

/** Draws the layout top to bottom, starting a new page (with the table's heading again) when a row would not fit. */
class InvoicePainter {
  private y = PAGE.margin;

  constructor(
    private readonly doc: PDFKit.PDFDocument,
    private readonly layout: InvoiceLayout,
    private readonly invoiceNumber: string,
  ) {}

  paint(): void {
    this.header();
    this.heading('ご請求明細');
    this.table(
      LINE_COLUMNS,
      PAGE.margin,
      this.layout.lineHeadings,
      this.layout.lines.map((line) => [
        line.kindLabel,
        line.label,
        line.number,
        line.quantity,
        line.amount,
        `${line.taxLabel}${line.mark}`,
      ]),
    );
    const summaryX = PAGE.margin + CONTENT_WIDTH - SUMMARY_WIDTH;
    this.heading('税率ごとに区分した合計');
    this.table(
      TAX_COLUMNS,
      summaryX,
      this.layout.taxHeadings,
      this.layout.taxRows.map((row) => [row.heading, row.base, row.tax]),
    );
    this.y += 4;
    this.table(
      TOTAL_COLUMNS,
      summaryX,
      null,
      this.layout.totals.map((total) => [total.heading, total.value]),
      this.layout.totals.length - 1,
    );
    if (this.layout.notes.length > 0) {
      this.heading('備考');
      for (const note of this.layout.notes) this.paragraph(note, BODY_SIZE + 0.5);
    }
    this.y += 10;
    for (const footnote of this.layout.footnotes) this.paragraph(footnote, 7.5);
    this.footers();
  }

  /** Title, recipient (left) and issuer (right), the fields, and the amount due in a box. */
  private header(): void {
    const doc = this.doc;
    const left = PAGE.margin;
    doc.font('bold').fontSize(18).fillColor('#222222');
    doc.text(this.layout.title, left, this.y, { width: CONTENT_WIDTH, align: 'center', characterSpacing: 3 });
    this.y += 28;
    doc
      .moveTo(left, this.y)
      .lineTo(left + CONTENT_WIDTH, this.y)
      .lineWidth(1.5)
      .strokeColor(ACCENT)
      .stroke();
    this.y += 16;

    const top = this.y;
    const recipientWidth = 270;
    doc.font('regular').fontSize(13);
    doc.text(this.layout.recipient, left, top, { width: recipientWidth });
    const recipientBottom = top + doc.heightOfString(this.layout.recipient, { width: recipientWidth }) + 2;
    doc
      .moveTo(left, recipientBottom)
      .lineTo(left + recipientWidth, recipientBottom)
      .lineWidth(0.8)
      .strokeColor('#222222')
      .stroke();

    const issuerX = left + CONTENT_WIDTH - 220;
    const issuer = this.layout.issuer;
    let issuerY = top;
    for (const [font, size, text] of [
      ['bold', 10, issuer.name],
      ['regular', 9, `登録番号 ${issuer.registrationNumber}`],
      ['regular', 9, issuer.address],
    ] as const) {
      doc.font(font).fontSize(size);
      doc.text(text, issuerX, issuerY, { width: 220, align: 'right' });
      issuerY += doc.heightOfString(text, { width: 220 }) + 1;
    }

    this.y = Math.max(recipientBottom + 14, issuerY + 8);
    for (const field of this.layout.fields) {
      doc.font('bold').fontSize(9).text(field.heading, left, this.y, { width: 110, lineBreak: false });
      doc
        .font('regular')
        .fontSize(9)
        .text(field.value, left + 110, this.y, { width: 200, lineBreak: false });
      this.y += 14;
    }
    this.y += 6;

    const boxWidth = 300;
    doc.rect(left, this.y, boxWidth, 30).lineWidth(1.5).strokeColor(ACCENT).stroke();
    doc.font('regular').fontSize(10).fillColor('#222222');
    doc.text(this.layout.amountDue.heading, left + 8, this.y + 9, { width: boxWidth - 16, lineBreak: false });
    doc.font('bold').fontSize(14);
    doc.text(this.layout.amountDue.value, left + 8, this.y + 6, {
      width: boxWidth - 16,
      align: 'right',
      lineBreak: false,
    });
    this.y += 42;
  }

  private heading(text: string): void {
    this.ensureRoom(34);
    this.y += 8;
    this.doc
      .font('bold')
      .fontSize(10.5)
      .fillColor('#222222')
      .text(text, PAGE.margin, this.y, { width: CONTENT_WIDTH, lineBreak: false });
    this.y += 18;
  }

  private paragraph(text: string, size: number): void {
    this.doc.font('regular').fontSize(size);
    const height = this.doc.heightOfString(text, { width: CONTENT_WIDTH });
    this.ensureRoom(height + 2);
    this.doc.fillColor('#222222').text(text, PAGE.margin, this.y, { width: CONTENT_WIDTH });
    this.y += height + 2;
  }

  /** A bordered table; `headings` repeat on each page it runs onto; the row at `boldRow` is bold. */
  private table(columns: Column[], x: number, headings: string[] | null, rows: string[][], boldRow = -1): void {
    const drawHeadings = (): void => {
      if (headings !== null) this.row(columns, x, headings, 'bold', SHADE, 'center');
    };
    this.ensureRoom(2 * this.rowHeight(columns, headings ?? rows[0] ?? [], 'regular'));
    drawHeadings();
    rows.forEach((cells, index) => {
      const font = index === boldRow ? 'bold' : 'regular';
      if (this.y + this.rowHeight(columns, cells, font) > BOTTOM) {
        this.newPage();
        drawHeadings();
      }
      this.row(columns, x, cells, font, headings === null ? (index === boldRow ? SHADE : null) : null);
    });
  }

  private rowHeight(columns: Column[], cells: string[], font: FontName): number {
    this.doc.font(font).fontSize(BODY_SIZE);
    const heights = cells.map((cell, index) =>
      this.doc.heightOfString(cell === '' ? ' ' : cell, { width: columns[index]!.width - 2 * PADDING }),
    );
    return Math.max(...heights) + 2 * PADDING;
  }

  private row(
    columns: Column[],
    x: number,
    cells: string[],
    font: FontName,
    fill: string | null,
    align?: Column['align'],
  ): void {
    const doc = this.doc;
    const height = this.rowHeight(columns, cells, font);
    let cellX = x;
    columns.forEach((column, index) => {
      if (fill !== null) doc.rect(cellX, this.y, column.width, height).fillColor(fill).fill();
      doc.rect(cellX, this.y, column.width, height).lineWidth(0.5).strokeColor(RULE).stroke();
      const text = cells[index] ?? '';
      if (text !== '') {
        doc.font(font).fontSize(BODY_SIZE).fillColor('#222222');
        doc.text(text, cellX + PADDING, this.y + PADDING, {
          width: column.width - 2 * PADDING,
          align: align ?? column.align,
        });
      }
      cellX += column.width;
    });
    this.y += height;
  }

  private ensureRoom(height: number): void {
    if (this.y + height > BOTTOM) this.newPage();
  }

  private newPage(): void {
    this.doc.addPage();
    this.y = PAGE.margin;
  }

  /** 請求書番号 and page n / N at the foot of every page. */
  private footers(): void {
    const range = this.doc.bufferedPageRange();
    for (let page = range.start; page < range.start + range.count; page += 1) {
      this.doc.switchToPage(page);
      // Below the bottom margin: without this, PDFKit would start another page for the footer.
      this.doc.page.margins.bottom = 0;
      const text = `${this.invoiceNumber}  ${page + 1} / ${range.count}`;
      this.doc.font('regular').fontSize(7.5).fillColor('#555555');
      this.doc.text(text, PAGE.margin, PAGE.height - PAGE.margin - 10, {
        width: CONTENT_WIDTH,
        align: 'center',
        lineBreak: false,
        height: 12,
      });
    }
  }
}
