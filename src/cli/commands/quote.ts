import { Command, Option } from 'commander';
import { AllowanceCall, CarriedIn, coverOfOneMore, OneMoreCall } from '../../discount/allowance';
import { chakuwariShare } from '../../discount/chakuwari';
import { ConfigurationError, RunFailedError } from '../../errors';
import { formatExactParts, formatScaledYen } from '../../money/scaledYen';
import { normalisePeer } from '../../numbering/peer';
import { CALL_TYPE_LABELS } from '../../numbering/callType';
import { ChakuwariIneligibility, peerClassLabel } from '../../rate/inboundCall';
import { InboundQuote, InboundQuoteRequest, Quote, quoteCall, quoteInboundCall } from '../../rate/quoteCall';
import { loadReferenceData } from '../../reference/referenceData';
import { withStoredSubscriptions } from '../../store/storedSubscriptions';
import { CallRoundingRule } from '../../tariff/tariffFile';
import { parseDuration } from '../../time/duration';
import { formatJapanTime, japanMonth, parseStart } from '../../time/japanTime';
import { monthBilledOutboundCalls, monthCarriedIn } from '../../statement/loadStatement';
import { Store } from '../../store/types';
import { contractOption, dbOption, Io, numberOption, withStoreIfThere } from '../options';

interface QuoteOptions {
  contract: string;
  number?: string;
  peer: string;
  start: string;
  duration: string;
  plan?: string;
  direction: 'out' | 'in';
  json?: boolean;
  db?: string;
}

export function registerQuote(program: Command, io: Io): void {
  program
    .command('quote')
    .description(
      'How a call would be rated, and why: plan, version, class, band, each step, fee, minimum/maximum, rounding, charge; inbound: class and 着割.',
    )
    .requiredOption('--contract <id>', 'contract id', contractOption)
    .option('--number <number>', 'the 050 number calling (a number-level subscription applies)', numberOption)
    .requiredOption(
      '--peer <digits>',
      'the number dialled (inbound: the caller id, 非通知 or anonymous too), as a CDR gives it',
    )
    .requiredOption('--start <time>', 'call start, as a CDR gives it (Japan time without an offset)')
    .requiredOption('--duration <seconds>', 'connected time, as a CDR gives it (93.5, 0:01:33.5)')
    .option('--plan <plan>', 'quote by this plan instead of the subscription (no store needed)')
    .addOption(
      new Option('--direction <direction>', 'an outbound call (rated) or an inbound one (classified for 着割)')
        .choices(['out', 'in'])
        .default('out'),
    )
    .option('--json', 'print the quote as one JSON object')
    .addOption(dbOption())
    .action(async (options: QuoteOptions) => {
      const start = parseStart(options.start);
      if (!start.ok) throw new ConfigurationError(`--start: ${start.message}`);
      const duration = parseDuration(options.duration);
      if (!duration.ok) throw new ConfigurationError(`--duration: ${duration.message}`);
      const reference = loadReferenceData();
      if (options.plan !== undefined && !reference.tariffs.plans.has(options.plan)) {
        throw new ConfigurationError(
          `--plan ${options.plan} has no tariff version (plans: ${[...reference.tariffs.plans.keys()].sort().join(', ')})`,
        );
      }
      // Without --plan the subscriptions decide: the store's (either engine), or, with no SQLite file yet, none: the default plan.
      // The store's customer lines, read with them, say which numbers are the contract's own (a sameContract rate, --plan or not).
      const stored = await withStoreIfThere(
        options.db,
        (store) => withStoredSubscriptions(store, reference),
        () => reference,
      );
      const subscriptions = stored.subscriptions;
      if (options.direction === 'in') {
        const inbound = {
          contractId: options.contract,
          number: options.number ?? null,
          rawPeer: options.peer,
          startMs: start.startMs,
          durationMs: duration.durationMs,
          plan: options.plan,
        };
        const result = quoteInboundCall(inbound, reference.tariffs, reference.numbering, subscriptions);
        if (!result.ok) {
          if (options.json === true)
            io.stdout(
              `${JSON.stringify({ contract: inbound.contractId, direction: 'in', peer: inbound.rawPeer, rejected: { code: result.code, message: result.message } })}\n`,
            );
          throw new RunFailedError(`this call would be rejected ${result.code}: ${result.message}`);
        }
        io.stdout(
          options.json === true
            ? `${JSON.stringify(inboundJson(inbound, result.quote))}\n`
            : inboundText(inbound, result.quote),
        );
        return;
      }
      const peer = normalisePeer(options.peer);
      if (!peer.ok) throw new ConfigurationError(`--peer: ${peer.message}`);
      const request = {
        contractId: options.contract,
        number: options.number ?? null,
        peer: peer.digits,
        startMs: start.startMs,
        durationMs: duration.durationMs,
        plan: options.plan,
      };
      const result = quoteCall(request, reference.tariffs, reference.numbering, subscriptions, stored.contractNumbers);
      if (!result.ok) {
        // A script asking for JSON gets JSON either way: the verdict, then the same failure (exit 1).
        if (options.json === true)
          io.stdout(
            `${JSON.stringify({ contract: request.contractId, peer: request.peer, rejected: { code: result.code, message: result.message } })}\n`,
          );
        throw new RunFailedError(`this call would be rejected ${result.code}: ${result.message}`);
      }
      // A plan with allowances: what they would cover of this call after the month's stored calls (none without a store).
      // An allowance that carries over starts with what the month was carried in with, as its statement has it.
      const version = reference.tariffs.versions.find((candidate) => candidate.id === result.quote.tariffId);
      const allowances = version?.allowances ?? [];
      const month = japanMonth(request.startMs);
      const monthSoFar = async (store: Store): Promise<{ calls: AllowanceCall[]; carriedIn: CarriedIn }> => ({
        calls: await monthBilledOutboundCalls(store, request.contractId, month),
        carriedIn: await monthCarriedIn(
          store,
          { tariffs: reference.tariffs, subscriptions },
          { contractId: request.contractId, month, tariff: version! },
        ),
      });
      const soFar =
        allowances.length === 0
          ? null
          : await withStoreIfThere(options.db, monthSoFar, () => ({ calls: [], carriedIn: new Map() }));
      const allowance =
        soFar === null
          ? null
          : coverOfOneMore(
              soFar.calls,
              {
                number: request.number ?? '',
                direction: 'out',
                peer: request.peer,
                peerClass: result.quote.type,
                startMs: request.startMs,
                durationMs: request.durationMs,
                chargeScaled: result.quote.chargeScaled,
              },
              allowances,
              soFar.carriedIn,
            );
      io.stdout(
        options.json === true
          ? `${JSON.stringify(withAllowance(quoteJson(request, result.quote), result.quote, allowance))}\n`
          : quoteText(request, result.quote) + allowanceText(result.quote, allowance),
      );
    });
}

const yen = (scaled: number): string => formatScaledYen(scaled, 4).replace(/\.?0+$/, '');

function exactYen(parts: number, partsDenominator = 1): string {
  const exact = formatExactParts(parts, partsDenominator);
  return exact.exact ? exact.decimal : `${exact.decimal} (${exact.fraction})`;
}

function roundingText(rounding: CallRoundingRule): string {
  if (rounding.mode === 'none') return "none: the exact charge is kept; the statement row rounds the month's sum";
  if (rounding.step !== undefined) return `${rounding.mode} to a multiple of ${rounding.step} yen`;
  if (rounding.decimals < 0) return `${rounding.mode} to a multiple of ${10 ** -rounding.decimals} yen`;
  return `${rounding.mode} to ${rounding.decimals} decimal${rounding.decimals === 1 ? '' : 's'}`;
}

function quoteText(
  request: { contractId: string; number: string | null; peer: string; startMs: number; durationMs: number },
  quote: Quote,
): string {
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
  const limits = [
    quote.minimumScaled === null
      ? null
      : `minimum ${yen(quote.minimumScaled)}${quote.minimumApplied ? ' (applied)' : ''}`,
    quote.maximumScaled === null
      ? null
      : `maximum ${yen(quote.maximumScaled)}${quote.maximumApplied ? ' (applied)' : ''}`,
  ].filter(Boolean);
  lines.push(`limits:    ${limits.length === 0 ? 'none' : limits.join(', ')}`);
  lines.push(`rounding:  ${roundingText(quote.rounding)}`);
  lines.push(
    `charge:    ${quote.rounding.mode === 'none' ? exactYen(quote.exactParts, quote.partsDenominator) : yen(quote.chargeScaled)} yen (${quote.units} ${quote.units === 1 ? 'unit' : 'units'})`,
  );
  return `${lines.join('\n')}\n`;
}

function quoteJson(
  request: { contractId: string; number: string | null; peer: string; startMs: number; durationMs: number },
  quote: Quote,
): unknown {
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
    charge:
      quote.rounding.mode === 'none' ? jsonAmount(quote.exactParts, quote.partsDenominator) : yen(quote.chargeScaled),
  };
}

/** An exact amount for JSON: its decimal when it has one (`0.3`), else its fraction (`244/15`). */
function jsonAmount(parts: number, partsDenominator = 1): string {
  const exact = formatExactParts(parts, partsDenominator);
  return exact.exact ? exact.decimal : exact.fraction;
}

/** The 無料通話分 line of a plan with allowances (nothing for one without). */
function allowanceText(quote: Quote, allowance: OneMoreCall | null): string {
  if (allowance === null) return '';
  if (allowance.allowanceIds.length === 0) return "allowance: none of the plan's allowances covers this call\n";
  return `allowance: ${allowance.allowanceIds.join(', ')} would cover ${yen(allowance.coveredScaled)} of ${yen(quote.chargeScaled)} yen after the month's stored calls in call order; ${yen(quote.chargeScaled - allowance.coveredScaled)} yen charged\n`;
}

function withAllowance(json: unknown, quote: Quote, allowance: OneMoreCall | null): unknown {
  if (allowance === null) return json;
  return {
    ...(json as object),
    allowance: {
      allowances: allowance.allowanceIds,
      covered: yen(allowance.coveredScaled),
      charged: yen(quote.chargeScaled - allowance.coveredScaled),
    },
  };
}

const INELIGIBILITY_TEXT: Record<ChakuwariIneligibility, string> = {
  'zero-duration': 'a call of 0 s never counts',
  'withheld-caller': 'a withheld caller (非通知) never counts',
  'caller-class-not-eligible': 'the plan does not count callers of this class',
};

/** An inbound call's 着割 figures: its exact share of the month's discount, and what it would earn alone. */
function inboundFigures(
  request: InboundQuoteRequest,
  quote: InboundQuote,
): { share: string; shareFraction: string; alone: string; eligibleTypes: string[]; roundingText: string } {
  const rule = quote.chakuwari;
  const eligible = quote.ineligibility === null;
  const share = chakuwariShare(eligible ? request.durationMs : 0, rule);
  const exact = formatExactParts(share.parts, share.partsDenominator);
  return {
    share: exact.decimal,
    shareFraction: exact.fraction,
    alone: formatScaledYen(share.aloneScaled, 4).replace(/\.?0+$/, ''),
    eligibleTypes: [...rule.eligibleCallerTypes].sort(),
    roundingText: roundingText(rule.rounding),
  };
}

function inboundText(request: InboundQuoteRequest, quote: InboundQuote): string {
  const figures = inboundFigures(request, quote);
  const rule = quote.chakuwari;
  const eligible = quote.ineligibility === null;
  const lines = [
    `quote: ${request.contractId}${request.number === null ? '' : ` ${request.number}`} ← ${quote.peer}, ${formatJapanTime(request.startMs)}, ${request.durationMs / 1000} s, inbound`,
    `plan:      ${quote.plan} (${quote.planSource})`,
    `version:   ${quote.tariffId}`,
    `class:     ${quote.peerClass} (${peerClassLabel(quote.peerClass)})`,
    'charge:    0 yen (an inbound call is not charged)',
    `着割:      ${eligible ? 'eligible' : `not eligible: ${INELIGIBILITY_TEXT[quote.ineligibility!]}`} (the plan counts ${figures.eligibleTypes.join(', ')} callers of more than 0 s)`,
    `share:     ${eligible ? `${request.durationMs / 1000} s / ${rule.unitMs / 1000} s × ${yen(rule.discountPerUnit)} yen = ` : ''}${figures.share}${figures.shareFraction === figures.share ? '' : ` (${figures.shareFraction})`} yen of the month's 着割`,
    `alone:     ${figures.alone} yen (the month's eligible time rounded ${figures.roundingText}, capped at the number's outbound call charges)`,
  ];
  return `${lines.join('\n')}\n`;
}

function inboundJson(request: InboundQuoteRequest, quote: InboundQuote): unknown {
  const figures = inboundFigures(request, quote);
  return {
    contract: request.contractId,
    number: request.number,
    direction: 'in',
    peer: quote.peer,
    start: formatJapanTime(request.startMs),
    durationMs: request.durationMs,
    plan: quote.plan,
    planSource: quote.planSource,
    tariff: quote.tariffId,
    class: quote.peerClass,
    charge: '0',
    chakuwari: {
      eligible: quote.ineligibility === null,
      ineligibility: quote.ineligibility,
      eligibleCallerTypes: figures.eligibleTypes,
      unitSeconds: quote.chakuwari.unitMs / 1000,
      discountPerUnit: yen(quote.chakuwari.discountPerUnit),
      share: figures.share.endsWith('…') ? figures.shareFraction : figures.share,
      alone: figures.alone,
      rounding: quote.chakuwari.rounding,
      cap: 'outbound-call-charges',
    },
  };
}
