import { inflateSync } from 'node:zlib';

/**
 * A small PDF reader for tests of the PDFs meisai writes (PDFKit's classic layout: one xref
 * table, Flate streams, Type0 fonts with a ToUnicode CMap). It checks the structure as a viewer
 * would find it — the header, `startxref`, every xref offset landing on its `N 0 obj` — and gives
 * the objects, the embedded font programs and the text of each page decoded through the fonts'
 * ToUnicode maps. It is no general PDF parser: anything else it meets is an error.
 */

export interface PdfObject {
  id: number;
  /** The object's dictionary (or other value) as written, before `stream`. */
  body: string;
  /** The decoded stream, if the object has one. */
  stream?: Buffer;
}

export interface ParsedPdf {
  version: string;
  objects: Map<number, PdfObject>;
  trailer: string;
}

export function parsePdf(pdf: Buffer): ParsedPdf {
  const header = /^%PDF-(\d\.\d)\n/.exec(pdf.subarray(0, 16).toString('latin1'));
  if (header === null) throw new Error('no %PDF- header');
  const tail = pdf.subarray(Math.max(0, pdf.length - 64)).toString('latin1');
  const startxref = /startxref\s+(\d+)\s+%%EOF\s*$/.exec(tail);
  if (startxref === null) throw new Error('no startxref … %%EOF at the end');
  const xrefAt = Number(startxref[1]);
  const xrefText = pdf.subarray(xrefAt).toString('latin1');
  const xref = /^xref\n0 (\d+)\n/.exec(xrefText);
  if (xref === null) throw new Error(`no xref table at ${xrefAt}`);
  const count = Number(xref[1]);
  const entries = xrefText.slice(xref[0].length).split('\n').slice(0, count);
  const trailerStart = xrefText.indexOf('trailer');
  const trailer = xrefText.slice(trailerStart, xrefText.indexOf('startxref'));
  const objects = new Map<number, PdfObject>();
  entries.forEach((entry, id) => {
    const fields = /^(\d{10}) (\d{5}) ([nf]) ?$/.exec(entry);
    if (fields === null) throw new Error(`bad xref entry ${id}: ${JSON.stringify(entry)}`);
    if (fields[3] === 'f') return;
    objects.set(id, readObject(pdf, id, Number(fields[1])));
  });
  return { version: header[1]!, objects, trailer };
}

function readObject(pdf: Buffer, id: number, offset: number): PdfObject {
  const opening = `${id} 0 obj\n`;
  if (pdf.subarray(offset, offset + opening.length).toString('latin1') !== opening) {
    throw new Error(`xref offset ${offset} of object ${id} does not point at "${id} 0 obj"`);
  }
  const start = offset + opening.length;
  const end = pdf.indexOf('\nendobj', start, 'latin1');
  if (end < 0) throw new Error(`object ${id} has no endobj`);
  const raw = pdf.subarray(start, end);
  const streamAt = raw.indexOf('\nstream\n', 0, 'latin1');
  if (streamAt < 0) return { id, body: raw.toString('latin1') };
  const body = raw.subarray(0, streamAt).toString('latin1');
  const length = /\/Length (\d+)/.exec(body);
  if (length === null) throw new Error(`stream object ${id} has no direct /Length`);
  const data = raw.subarray(streamAt + '\nstream\n'.length, streamAt + '\nstream\n'.length + Number(length[1]));
  return { id, body, stream: body.includes('/Filter /FlateDecode') ? inflateSync(data) : data };
}

function reference(body: string, key: string): number | undefined {
  const match = new RegExp(`/${key} (\\d+) 0 R`).exec(body);
  return match === null ? undefined : Number(match[1]);
}

function objectOf(pdf: ParsedPdf, id: number | undefined, what: string): PdfObject {
  const object = id === undefined ? undefined : pdf.objects.get(id);
  if (object === undefined) throw new Error(`${what}: no object ${id}`);
  return object;
}

export interface EmbeddedFont {
  name: string;
  /** `FontFile2` (TrueType), `FontFile3` (CFF/OpenType) or `FontFile` (Type 1). */
  fileKey: string;
  program: Buffer;
}

/** Every font descriptor with an embedded font program. */
export function embeddedFonts(pdf: ParsedPdf): EmbeddedFont[] {
  const fonts: EmbeddedFont[] = [];
  for (const object of pdf.objects.values()) {
    if (!object.body.includes('/Type /FontDescriptor')) continue;
    const name = /\/FontName \/([^\s/]+)/.exec(object.body)?.[1] ?? '?';
    for (const fileKey of ['FontFile2', 'FontFile3', 'FontFile']) {
      const id = reference(object.body, fileKey);
      if (id !== undefined)
        fonts.push({ name, fileKey, program: objectOf(pdf, id, fileKey).stream ?? Buffer.alloc(0) });
    }
  }
  return fonts;
}

/** Code → text from a ToUnicode CMap's bfchar and bfrange sections (2-byte codes, as Identity-H). */
function parseToUnicode(cmap: string): Map<number, string> {
  const map = new Map<number, string>();
  const utf16 = (hex: string): string =>
    String.fromCharCode(...(hex.match(/.{4}/g) ?? []).map((unit) => parseInt(unit, 16)));
  for (const section of cmap.matchAll(/beginbfchar([\s\S]*?)endbfchar/g)) {
    for (const pair of section[1]!.matchAll(/<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>/g))
      map.set(parseInt(pair[1]!, 16), utf16(pair[2]!));
  }
  for (const section of cmap.matchAll(/beginbfrange([\s\S]*?)endbfrange/g)) {
    for (const range of section[1]!.matchAll(/<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*(\[[^\]]*\]|<[0-9a-fA-F]+>)/g)) {
      const low = parseInt(range[1]!, 16);
      const high = parseInt(range[2]!, 16);
      const target = range[3]!;
      if (target.startsWith('[')) {
        [...target.matchAll(/<([0-9a-fA-F]+)>/g)].forEach((value, index) => map.set(low + index, utf16(value[1]!)));
      } else {
        const first = parseInt(target.slice(1, -1), 16);
        for (let code = low; code <= high; code += 1) map.set(code, String.fromCharCode(first + code - low));
      }
    }
  }
  return map;
}

/**
 * The text of each page: one string per text object (BT … ET), the shown strings of its `Tj`
 * and `TJ` joined, each decoded through the ToUnicode map of the font selected by `Tf`.
 */
export function pageTexts(pdf: ParsedPdf): string[][] {
  const root = objectOf(pdf, reference(pdf.trailer, 'Root'), 'the catalog');
  const tree = objectOf(pdf, reference(root.body, 'Pages'), 'the page tree');
  const kids = /\/Kids \[([^\]]*)\]/.exec(tree.body)?.[1] ?? '';
  const pages = [...kids.matchAll(/(\d+) 0 R/g)].map((kid) => objectOf(pdf, Number(kid[1]), 'a page'));
  return pages.map((page) => {
    const resources = objectOf(pdf, reference(page.body, 'Resources'), 'page resources').body;
    const fontNames = /\/Font <<([^>]*)>>/.exec(resources)?.[1] ?? '';
    const maps = new Map<string, Map<number, string>>();
    for (const font of fontNames.matchAll(/\/(\w+) (\d+) 0 R/g)) {
      const fontObject = objectOf(pdf, Number(font[2]), `font ${font[1]}`);
      const cmap = objectOf(pdf, reference(fontObject.body, 'ToUnicode'), `ToUnicode of ${font[1]}`);
      maps.set(font[1]!, parseToUnicode(cmap.stream!.toString('latin1')));
    }
    const content = objectOf(pdf, reference(page.body, 'Contents'), 'page contents').stream!.toString('latin1');
    const texts: string[] = [];
    for (const block of content.matchAll(/\bBT\b([\s\S]*?)\bET\b/g)) {
      let map: Map<number, string> | undefined;
      let text = '';
      for (const operation of block[1]!.matchAll(/\/(\w+) [\d.]+ Tf|\[([^\]]*)\] TJ|<([0-9a-fA-F]*)> Tj/g)) {
        if (operation[1] !== undefined) {
          map = maps.get(operation[1]);
          if (map === undefined) throw new Error(`font ${operation[1]} is not in the page's resources`);
          continue;
        }
        const shown =
          operation[2] !== undefined
            ? [...operation[2].matchAll(/<([0-9a-fA-F]*)>/g)].map((hex) => hex[1]!)
            : [operation[3]!];
        for (const hex of shown) {
          for (const unit of hex.match(/.{4}/g) ?? []) {
            const decoded = map?.get(parseInt(unit, 16));
            if (decoded === undefined) throw new Error(`glyph code ${unit} has no ToUnicode entry`);
            text += decoded;
          }
        }
      }
      texts.push(text);
    }
    return texts;
  });
}
