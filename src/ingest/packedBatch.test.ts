import { StreamReader, StreamWriter, TEXT_PIECE_CHARACTERS } from './packedBatch';

/** Writes the fields as one batch and reads them back in the same order. */
function roundTrip(fields: string[]): { read: string[]; pieces: string[] } {
  const writer = new StreamWriter();
  for (const field of fields) writer.string(field);
  const packed = writer.take();
  const reader = new StreamReader();
  reader.load(packed);
  return { read: fields.map(() => reader.string()), pieces: packed.texts };
}

describe('the text of a packed batch', () => {
  it('reads back fields that fill a piece exactly, then the field after it from the next piece', () => {
    // 32,766 + 2 = 32,768 characters: the first piece is full; 'c' begins the second.
    const fields = ['a'.repeat(TEXT_PIECE_CHARACTERS - 2), 'bb', 'c'];
    const { read, pieces } = roundTrip(fields);
    expect(read).toEqual(fields);
    expect(pieces.map((piece) => piece.length)).toEqual([TEXT_PIECE_CHARACTERS, 1]);
  });

  it('starts a new piece for a field one character past the room left', () => {
    // 32,767 + 2 = 32,769: 'bb' does not fit, so it is the second piece, whole.
    const fields = ['a'.repeat(TEXT_PIECE_CHARACTERS - 1), 'bb'];
    const { read, pieces } = roundTrip(fields);
    expect(read).toEqual(fields);
    expect(pieces.map((piece) => piece.length)).toEqual([TEXT_PIECE_CHARACTERS - 1, 2]);
  });

  it('keeps a field longer than a piece whole, and empty fields around it', () => {
    const fields = ['', 'x'.repeat(TEXT_PIECE_CHARACTERS + 5), '', '', 'yz', ''];
    const { read, pieces } = roundTrip(fields);
    expect(read).toEqual(fields);
    expect(pieces.map((piece) => piece.length)).toEqual([TEXT_PIECE_CHARACTERS + 5, 2]);
  });

  it('cuts two-byte text into pieces that stay under 128 KiB', () => {
    // 1,000 records of 100 characters with 非通知 in each: 100,000 characters in 4 pieces.
    const fields = Array.from({ length: 1000 }, (_, index) => `${String(index).padStart(94, '0')},非通知,`);
    const { read, pieces } = roundTrip(fields);
    expect(read).toEqual(fields);
    expect(pieces).toHaveLength(4);
    for (const piece of pieces) expect(piece.length * 2).toBeLessThanOrEqual(128 * 1024 - 64);
  });

  it('sends no piece for a batch without text', () => {
    expect(roundTrip([]).pieces).toEqual([]);
    expect(roundTrip(['', '']).read).toEqual(['', '']);
  });
});
