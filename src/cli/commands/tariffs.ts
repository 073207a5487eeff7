import { Command } from 'commander';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkBillingFile, describeBillingData } from '../../billing/billingData';
import { readSubscriptionsCsv } from '../../subscription/subscriptionsCsv';
import { ConfigurationError } from '../../errors';
import {
  checkReferenceFile,
  DEFAULT_DATA_DIR,
  loadHolidayCalendars,
  loadReferenceData,
} from '../../reference/referenceData';
import { isTariffFileV1, migrateTariffFileV1 } from '../../tariff/migrateTariffFile';
import { Io } from '../options';

export function registerTariffs(program: Command, io: Io): void {
  const tariffs = program.command('tariffs').description('Tariff, holiday-calendar and numbering plan files.');
  tariffs
    .command('check')
    .description(
      'Validate tariff, holiday-calendar, numbering, subscription and billing files (issuer, monthly charges, tax) against schemas/ (default: all of data/).',
    )
    .argument('[files...]', 'files to check')
    .action((files: string[]) => {
      const dataDir = process.env.MEISAI_DATA_DIR ?? DEFAULT_DATA_DIR;
      if (files.length === 0) {
        const reference = loadReferenceData();
        for (const calendar of reference.calendars.values()) {
          io.stdout(
            `ok  holiday calendar ${calendar.id} (${calendar.firstYear}–${calendar.lastYear}, sha256 ${calendar.sha256})\n`,
          );
        }
        for (const version of reference.tariffs.versions)
          io.stdout(`ok  tariff ${version.id} of plan ${version.plan} (from ${version.file.effectiveFrom})\n`);
        io.stdout(`ok  numbering plan ${reference.numbering.id}\n`);
        const plans = new Set(reference.tariffs.plans.keys());
        io.stdout(
          `ok  plans ${[...plans].sort().join(', ')}; default plan ${reference.tariffs.defaultPlan ?? 'none (MEISAI_DEFAULT_PLAN=none)'}\n`,
        );
        for (const file of subscriptionFilesIn(join(dataDir, 'subscriptions')))
          io.stdout(`ok  ${checkSubscriptionsFile(file, plans)} ${file}\n`);
        for (const line of describeBillingData(dataDir)) io.stdout(`${line}\n`);
        io.stdout(`all reference data in ${dataDir} is valid\n`);
        return;
      }
      const calendars = loadHolidayCalendars(dataDir);
      for (const file of files) {
        if (file.endsWith('.csv'))
          io.stdout(`ok  ${checkSubscriptionsFile(file, new Set(loadReferenceData().tariffs.plans.keys()))} ${file}\n`);
        else io.stdout(`ok  ${checkBillingFile(file) ?? checkReferenceFile(file, calendars)} ${file}\n`);
      }
    });
  tariffs
    .command('migrate')
    .description(
      'Rewrite tariff files of format 1 in format 2, charge for charge (files already in format 2 are left alone).',
    )
    .argument('<files...>', 'tariff files to convert in place')
    .action((files: string[]) => {
      for (const file of files) {
        let document: unknown;
        try {
          document = JSON.parse(readFileSync(file, 'utf8'));
        } catch (error) {
          throw new ConfigurationError(`cannot read ${file} as JSON: ${(error as Error).message}`);
        }
        if (!isTariffFileV1(document)) {
          io.stdout(`unchanged  ${file} (not a format-1 tariff)\n`);
          continue;
        }
        let migrated;
        try {
          migrated = migrateTariffFileV1(document);
        } catch (error) {
          throw new ConfigurationError(`${file}: ${(error as Error).message}`);
        }
        writeFileSync(file, `${JSON.stringify(migrated, null, 2)}\n`);
        io.stdout(`migrated  ${file} (format 1 → 2)\n`);
      }
    });
}

/** A subscriptions CSV, checked as `subscriptions import` would (every bad line named). */
function checkSubscriptionsFile(path: string, plans: ReadonlySet<string>): string {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigurationError(
      `cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
  const read = readSubscriptionsCsv(text, plans);
  if (!read.ok)
    throw new ConfigurationError(
      `${path} is not a valid subscriptions file:\n${read.problems.map((problem) => `  ${problem}`).join('\n')}`,
    );
  return `subscriptions (${read.subscriptions.length})`;
}

function subscriptionFilesIn(directory: string): string[] {
  try {
    return readdirSync(directory)
      .filter((name) => name.endsWith('.csv'))
      .sort()
      .map((name) => join(directory, name));
  } catch {
    return [];
  }
}
