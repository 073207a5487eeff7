import { NumberingPlan } from '../numbering/classify';
import { NumberingPlanFile } from '../numbering/plan';
import { ReferenceData } from '../reference/referenceData';
import { ContractNumberLine, ContractNumbers } from '../subscription/contractNumbers';
import { Subscription, SubscriptionBook } from '../subscription/subscriptions';
import { HolidayCalendar, HolidayCalendarFile } from '../tariff/holidayCalendar';
import { Tariff, TariffBook } from '../tariff/tariff';
import { TariffFile } from '../tariff/tariffFile';

/**
 * The reference data an ingest worker rates with, as the documents it was compiled from (plain
 * JSON, cheap to post): the worker compiles exactly the tariffs, numbering plan, calendars and
 * subscriptions the main thread holds, without reading the data folder again.
 */
export interface PortableReference {
  tariffFiles: TariffFile[];
  defaultPlan: string | null;
  numbering: NumberingPlanFile;
  calendars: HolidayCalendarFile[];
  subscriptions: readonly Subscription[];
  contractNumbers: readonly ContractNumberLine[];
  dataDir: string;
}

export function portableReference(reference: ReferenceData): PortableReference {
  return {
    tariffFiles: reference.tariffs.versions.map((tariff) => tariff.file),
    defaultPlan: reference.tariffs.defaultPlan,
    numbering: reference.numbering.file,
    calendars: [...reference.calendars.values()].map((calendar) => calendar.file),
    subscriptions: reference.subscriptions.subscriptions,
    contractNumbers: reference.contractNumbers.lines,
    dataDir: reference.dataDir,
  };
}

export function compilePortableReference(portable: PortableReference): ReferenceData {
  const calendars = new Map(portable.calendars.map((file) => [file.id, new HolidayCalendar(file)] as const));
  const tariffs = new TariffBook(
    portable.tariffFiles.map((file) => new Tariff(file, calendars)),
    portable.defaultPlan,
  );
  return {
    tariffs,
    numbering: new NumberingPlan(portable.numbering),
    calendars,
    subscriptions: new SubscriptionBook(portable.subscriptions),
    contractNumbers: new ContractNumbers(portable.contractNumbers),
    dataDir: portable.dataDir,
  };
}
