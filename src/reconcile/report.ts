/**
 * What a reconciliation found: one check per group (integrity, totals, statements, files, against), each
 * with its details. A difference fails the check; information (late calls held out, figures not
 * yet issued) is told but does not.
 */
export type DetailKind = 'difference' | 'information';

export interface Detail {
  kind: DetailKind;
  message: string;
}

export type CheckName = 'integrity' | 'totals' | 'statements' | 'files' | 'against';

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

export function information(message: string): Detail {
  return { kind: 'information', message };
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
 * each followed by its details, differences marked `!` and information `-`.
 */
export function renderReportText(report: ReconcileReport): string {
  const scope = report.contract === null ? report.month : `${report.month}, contract ${report.contract}`;
  const failed = report.checks.filter((check) => !check.ok).map((check) => check.name);
  const lines = [`reconcile ${scope}: ${report.ok ? 'OK' : `DIFFERENCES in ${failed.join(', ')}`}`];
  for (const check of report.checks) {
    const count = differenceCount(check);
    lines.push(`${check.title}: ${check.ok ? 'OK' : `${count} difference${count === 1 ? '' : 's'}`}`);
    for (const detail of check.details) lines.push(`  ${detail.kind === 'difference' ? '!' : '-'} ${detail.message}`);
  }
  return `${lines.join('\n')}\n`;
}

/** `{"month":…,"contract":…,"ok":…,"checks":[{"name":…,"title":…,"ok":…,"details":[{"kind":…,"message":…}]}]}` */
export function renderReportJson(report: ReconcileReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

/** The one-line message for stderr when the reconciliation found differences. */
export function failureMessage(report: ReconcileReport): string {
  const failed = report.checks.filter((check) => !check.ok);
  const parts = failed.map((check) => `${check.name} (${differenceCount(check)})`);
  return `reconcile ${report.month}: differences in ${parts.join(', ')}; the report is on stdout`;
}
