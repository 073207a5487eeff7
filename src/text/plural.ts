/** A count and its noun, singular for exactly 1: `1 invoice`, `0 invoices`, `2 notes`. */
export function plural(count: number, word: string, words = `${word}s`): string {
  return `${count} ${count === 1 ? word : words}`;
}
