import { Command } from 'commander';
import { ConfigurationError, RunFailedError } from '../../errors';
import { formatExactParts, formatScaledYen } from '../../money/scaledYen';
import { normalisePeer } from '../../numbering/peer';
import { CALL_TYPE_LABELS } from '../../numbering/callType';
import { Quote, quoteCall } from '../../rate/quoteCall';
import { loadReferenceData } from '../../reference/referenceData';
import { SubscriptionBook } from '../../subscription/subscriptions';
import { parseDuration } from '../../time/duration';
import { formatJapanTime, parseStart } from '../../time/japanTime';
import { contractOption, dbOption, Io, numberOption, withStoreIfThere } from '../options';

interface QuoteOptions {
  contract: string;
  number?: string;
  peer: string;
  start: string;
  duration: string;
  plan?: string;
  json?: boolean;
  db?: string;
}

export function registerQuote(program: Command, io: Io): void {
  program
    .command('quote')
    .description('How an outbound call would be rated, and why: plan, version, class, band, each step, fee, minimum/maximum, rounding, charge.')
    .requiredOption('--contract <id>', 'contract id', contractOption)
    .option('--number <number>', 'the 050 number calling (a number-level subscription applies)', numberOption)
    .requiredOption('--peer <digits>', 'the number dialled, as a CDR gives it')
    .requiredOption('--start <time>', 'call start, as a CDR gives it (Japan time without an offset)')
    .requiredOption('--duration <seconds>', 'connected time, as a CDR gives it (93.5, 0:01:33.5)')
    .option('--plan <plan>', 'quote by this plan instead of the subscription (no store needed)')
    .option('--json', 'print the quote as one JSON object')
    .addOption(dbOption())
    .action(async (options: QuoteOptions) => {
      const peer = normalisePeer(options.peer);
      if (!peer.ok) throw new ConfigurationError(`--peer: ${peer.message}`);
      const start = parseStart(options.start);
      if (!start.ok) throw new ConfigurationError(`--start: ${start.message}`);
      const duration = parseDuration(options.duration);
      if (!duration.ok) throw new ConfigurationError(`--duration: ${duration.message}`);
      const reference = loadReferenceData();
      if (options.plan !== undefined && !reference.tariffs.plans.has(options.plan)) {
        throw new ConfigurationError(`--plan ${options.plan} has no tariff version (plans: ${[...reference.tariffs.plans.keys()].sort().join(', ')})`);
      }
      // Without --plan the subscriptions decide: the store's (either engine), or, with no SQLite file yet, none: the default plan.
      const subscriptions =
        options.plan === undefined ? await withStoreIfThere(options.db, (store) => store.subscriptionBook(), () => new SubscriptionBook()) : new SubscriptionBook();
      const request = { contractId: options.contract, number: options.number ?? null, peer: peer.digits, startMs: start.startMs, durationMs: duration.durationMs, plan: options.plan };
      const result = quoteCall(request, reference.tariffs, reference.numbering, subscriptions);
      if (!result.ok) {
        // A script asking for JSON gets JSON either way: the verdict, then the same failure (exit 1).
        if (options.json === true) io.stdout(`${JSON.stringify({ contract: request.contractId, peer: request.peer, rejected: { code: result.code, message: result.message } })}\n`);
        throw new RunFailedError(`this call would be rejected ${result.code}: ${result.message}`);
      }
      io.stdout(options.json === true ? `${JSON.stringify(quoteJson(request, result.quote))}\n` : quoteText(request, result.quote));
    });
}

const yen = (scaled: number): string => formatScaledYen(scaled, 4).replace(/\.?0+$/, '');

function exactYen(parts: number, partsDenominator = 1): string {
  const exact = formatExactParts(parts, partsDenominator);
  return exact.exact ? exact.decimal : `${exact.decimal} (${exact.fraction})`;
}

function roundingText(quote: Quote): string {
  if (quote.rounding.mode === 'none') return 'none: the exact charge is kept; the statement row rounds the month\'s sum';
  if (quote.rounding.step !== undefined) return `${quote.rounding.mode} to a multiple of ${quote.rounding.step} yen`;
  if (quote.rounding.decimals < 0) return `${quote.rounding.mode} to a multiple of ${10 ** -quote.rounding.decimals} yen`;
  return `${quote.rounding.mode} to ${quote.rounding.decimals} decimal${quote.rounding.decimals === 1 ? '' : 's'}`;
}

function quoteText(request: { contractId: string; number: string | null; peer: string; startMs: number; durationMs: number }, quote: Quote): string {
  const lines = [
    `quote: ${request.contractId}${request.number === null ? '' : ` ${request.number}`} → ${request.peer}, ${formatJapanTime(request.startMs)}, ${request.durationMs / 1000} s`,
    `plan:      ${quote.plan} (${quote.planSource})`,
    `version:   ${quote.tariffId}`,
    `class:     ${quote.type} (${CALL_TYPE_LABELS[quote.type]})`,
    `band:      ${quote.band ?? '(none)'}${quote.boundary === null ? ' (the version has no time bands)' : `, boundary ${quote.boundary}`}`,
    `rate:      ${quote.rateId}${quote.ratePrefix === null ? '' : ` (prefix ${quote.ratePrefix})`}`,
  ];
  for (const piece of quote.pieces) {
    lines.push(
      `  step from ${piece.stepFromSeconds} s${piece.band === null ? '' : `, band ${piece.band}`} (${piece.rateId}${piece.pricing === 'volume' ? ', volume: the whole call at this step' : ''}): ${piece.elapsedMs / 1000} s at ${yen(piece.priceScaled)} yen per ${piece.rateUnitSeconds} s, ` +
        `charged per ${piece.incrementSeconds} s: ${piece.units} × ${piece.incrementSeconds} s = ${piece.billedSeconds} s${piece.flatFeeScaled === 0 ? '' : ` + ${yen(piece.flatFeeScaled)} yen on entering the step`} → ${exactYen(piece.chargeParts, quote.partsDenominator)} yen`,
    );
  }
  lines.push(`fee:       ${yen(quote.connectFeeScaled)} yen (connect fee)`);
  lines.push(`subtotal:  ${exactYen(quote.subtotalParts, quote.partsDenominator)} yen`);
  const limits = [quote.minimumScaled === null ? null : `minimum ${yen(quote.minimumScaled)}${quote.minimumApplied ? ' (applied)' : ''}`, quote.maximumScaled === null ? null : `maximum ${yen(quote.maximumScaled)}${quote.maximumApplied ? ' (applied)' : ''}`].filter(Boolean);
  lines.push(`limits:    ${limits.length === 0 ? 'none' : limits.join(', ')}`);
  lines.push(`rounding:  ${roundingText(quote)}`);
  lines.push(`charge:    ${quote.rounding.mode === 'none' ? exactYen(quote.exactParts, quote.partsDenominator) : yen(quote.chargeScaled)} yen (${quote.units} ${quote.units === 1 ? 'unit' : 'units'})`);
  return `${lines.join('\n')}\n`;
}

function quoteJson(request: { contractId: string; number: string | null; peer: string; startMs: number; durationMs: number }, quote: Quote): unknown {
  return {
    contract: request.contractId,
    number: request.number,
    peer: request.peer,
    start: formatJapanTime(request.startMs),
    durationMs: request.durationMs,
    plan: quote.plan,
    planSource: quote.planSource,
    tariff: quote.tariffId,
    type: quote.type,
    band: quote.band,
    boundary: quote.boundary,
    rate: quote.rateId,
    ratePrefix: quote.ratePrefix,
    units: quote.units,
    pieces: quote.pieces.map((piece) => ({
      band: piece.band,
      rate: piece.rateId,
      stepFromSeconds: piece.stepFromSeconds,
      elapsedMs: piece.elapsedMs,
      price: yen(piece.priceScaled),
      rateUnitSeconds: piece.rateUnitSeconds,
      incrementSeconds: piece.incrementSeconds,
      units: piece.units,
      billedSeconds: piece.billedSeconds,
      ...(piece.pricing === 'volume' ? { pricing: piece.pricing } : {}),
      ...(piece.flatFeeScaled === 0 ? {} : { flatFee: yen(piece.flatFeeScaled) }),
      charge: jsonAmount(piece.chargeParts, quote.partsDenominator),
    })),
    connectFee: yen(quote.connectFeeScaled),
    subtotal: jsonAmount(quote.subtotalParts, quote.partsDenominator),
    minimumCharge: quote.minimumScaled === null ? null : yen(quote.minimumScaled),
    maximumCharge: quote.maximumScaled === null ? null : yen(quote.maximumScaled),
    minimumApplied: quote.minimumApplied,
    maximumApplied: quote.maximumApplied,
    rounding: quote.rounding,
    exactCharge: jsonAmount(quote.exactParts, quote.partsDenominator),
    charge: quote.rounding.mode === 'none' ? jsonAmount(quote.exactParts, quote.partsDenominator) : yen(quote.chargeScaled),
  };
}

/** An exact amount for JSON: its decimal when it has one (`0.3`), else its fraction (`244/15`). */
function jsonAmount(parts: number, partsDenominator = 1): string {
  const exact = formatExactParts(parts, partsDenominator);
  return exact.exact ? exact.decimal : exact.fraction;
}
