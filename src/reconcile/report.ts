/**
 * What a reconciliation found: one check per group (integrity, totals, statements, files, against), each
 * with its details. A difference fails the check; information (late calls held out, figures not
 * yet issued) is told but does not.
 */
export type DetailKind = 'difference' | 'information';

export interface Detail {
  kind: DetailKind;
  message: string;
  /**
   * Information told once per contract: what it says without the contract. The text report
   * tells the contracts of a group as one line ("19920 contracts: …") unless asked for each.
   */
  group?: string;
}

export type CheckName = 'integrity' | 'record-ids' | 'totals' | 'statements' | 'invoices' | 'files' | 'against';

export interface Check {
  name: CheckName;
  /** What was checked, for the reader: "totals from calls", "against seed.csv". */
  title: string;
  ok: boolean;
  details: Detail[];
}

export interface ReconcileReport {
  month: string;
  contract: string | null;
  ok: boolean;
  checks: Check[];
}

export function difference(message: string): Detail {
  return { kind: 'difference', message };
}

export function information(message: string, group?: string): Detail {
  return group === undefined ? { kind: 'information', message } : { kind: 'information', message, group };
}

export function makeCheck(name: CheckName, title: string, details: Detail[]): Check {
  return { name, title, ok: details.every((detail) => detail.kind !== 'difference'), details };
}

export function makeReport(month: string, contract: string | null, checks: Check[]): ReconcileReport {
  return { month, contract, ok: checks.every((check) => check.ok), checks };
}

export function differenceCount(check: Check): number {
  return check.details.filter((detail) => detail.kind === 'difference').length;
}

/**
 * The readable report: a headline, then one line per check (OK, or how many differences),
 * each followed by its details, differences marked `!` and information `-`. Every difference is
 * told; information told per contract is one line per group of contracts ("3 contracts: …"),
 * unless `verbose`.
 */
export function renderReportText(report: ReconcileReport, options: { verbose?: boolean } = {}): string {
  const scope = report.contract === null ? report.month : `${report.month}, contract ${report.contract}`;
  const failed = report.checks.filter((check) => !check.ok).map((check) => check.name);
  const lines = [`reconcile ${scope}: ${report.ok ? 'OK' : `DIFFERENCES in ${failed.join(', ')}`}`];
  for (const check of report.checks) {
    const count = differenceCount(check);
    lines.push(`${check.title}: ${check.ok ? 'OK' : `${count} difference${count === 1 ? '' : 's'}`}`);
    for (const detail of options.verbose === true ? check.details : groupDetails(check.details)) {
      lines.push(`  ${detail.kind === 'difference' ? '!' : '-'} ${detail.message}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

/** The details with each group of two or more told as one line, where its first one was. */
function groupDetails(details: Detail[]): Detail[] {
  const counts = new Map<string, number>();
  for (const detail of details)
    if (detail.group !== undefined) counts.set(detail.group, (counts.get(detail.group) ?? 0) + 1);
  const told = new Set<string>();
  const grouped: Detail[] = [];
  for (const detail of details) {
    const count = detail.group === undefined ? 1 : counts.get(detail.group)!;
    if (count === 1) grouped.push(detail);
    else if (!told.has(detail.group!)) {
      told.add(detail.group!);
      grouped.push({ kind: detail.kind, message: `${count} contracts: ${detail.group!}` });
    }
  }
  return grouped;
}

/**
 * `{"month":…,"contract":…,"ok":…,"checks":[{"name":…,"title":…,"ok":…,"details":[{"kind":…,"message":…}]}]}`,
 * every detail (contract by contract).
 */
export function renderReportJson(report: ReconcileReport): string {
  const checks = report.checks.map((check) => ({
    ...check,
    details: check.details.map(({ kind, message }) => ({ kind, message })),
  }));
  return `${JSON.stringify({ ...report, checks }, null, 2)}\n`;
}

/** The one-line message for stderr when the reconciliation found differences. */
export function failureMessage(report: ReconcileReport): string {
  const failed = report.checks.filter((check) => !check.ok);
  const parts = failed.map((check) => `${check.name} (${differenceCount(check)})`);
  return `reconcile ${report.month}: differences in ${parts.join(', ')}; the report is on stdout`;
}
