/** Exact figures of the benches: wall times in whole milliseconds (bigint), shown as decimals without a float. */

/** Wall time in whole milliseconds, from a monotonic clock. */
export function millisecondsSince(startedAt: bigint): bigint {
  return (process.hrtime.bigint() - startedAt) / 1_000_000n;
}

/** `value / 10^decimals` written as a decimal (for display and the JSON line). */
export function decimalText(value: bigint, decimals: number): string {
  const negative = value < 0n;
  const magnitude = negative ? -value : value;
  const scale = 10n ** BigInt(decimals);
  const whole = magnitude / scale;
  const fraction = (magnitude % scale).toString().padStart(decimals, '0');
  return `${negative ? '-' : ''}${decimals === 0 ? whole.toString() : `${whole}.${fraction}`}`;
}

/** numerator / denominator to `decimals` places, rounded half up (both positive; a zero denominator counts as 1). */
export function quotientText(numerator: bigint, denominator: bigint, decimals: number): string {
  const divisor = denominator > 0n ? denominator : 1n;
  const scale = 10n ** BigInt(decimals);
  return decimalText((numerator * scale * 2n + divisor) / (divisor * 2n), decimals);
}

/** Kilobytes as megabytes (MiB), one decimal. */
export function megabytesText(kilobytes: bigint): string {
  return quotientText(kilobytes, 1024n, 1);
}

/** Whole milliseconds as seconds, three decimals. */
export function secondsText(milliseconds: bigint): string {
  return decimalText(milliseconds, 3);
}

/** 2000000 → 2M, 250000 → 250k; other sizes as they are. */
export function sizeLabel(count: number): string {
  if (count >= 1_000_000 && count % 1_000_000 === 0) return `${count / 1_000_000}M`;
  if (count >= 1000 && count % 1000 === 0) return `${count / 1000}k`;
  return String(count);
}

/** Columns two spaces apart, right-aligned but those listed in `leftAligned` (the first, by default). */
export function tableText(rows: string[][], leftAligned: number[] = [0]): string {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length)));
  return rows
    .map((row) =>
      row
        .map((cell, column) =>
          leftAligned.includes(column) ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!),
        )
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
