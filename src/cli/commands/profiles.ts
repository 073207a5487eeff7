import { Command, Option } from 'commander';
import { stringify } from 'csv-stringify/sync';
import { InputEncoding } from '../../input/csvRecords';
import { CDR_COLUMNS } from '../../input/header';
import { InputFile } from '../../input/inputFile';
import { describeMapping } from '../../input/profile';
import { previewRecords } from '../../ingest/previewProfile';
import { loadAllProfiles, loadProfile, loadProfileFile, profilesDir } from '../../reference/inputProfiles';
import { loadReferenceData } from '../../reference/referenceData';
import { withStoredSubscriptions } from '../../store/storedSubscriptions';
import { dbOption, Io, requireMatch, withStoreIfThere } from '../options';

export function registerProfiles(program: Command, io: Io): void {
  const profiles = program
    .command('profiles')
    .description('Input profiles: other CDR layouts mapped onto the canonical columns.');
  profiles
    .command('check')
    .description(
      'Validate input profile files against schemas/input-profile.schema.json (default: all of data/profiles/).',
    )
    .argument('[files...]', 'profile files to check')
    .action((files: string[]) => {
      const checked = files.length === 0 ? loadAllProfiles() : files.map((file) => loadProfileFile(file));
      for (const profile of checked) {
        io.stdout(`ok  profile ${profile.id} (${profile.layout.type}, ${profile.file.encoding}) ${profile.origin}\n`);
        for (const column of CDR_COLUMNS)
          io.stdout(`      ${column.padEnd(12)}${describeMapping(profile.file.fields[column])}\n`);
        for (const rule of profile.file.skip ?? [])
          io.stdout(`      skipped     ${rule.reason} when ${rule.when.field} ${conditionText(rule.when)}\n`);
      }
      if (files.length === 0) io.stdout(`all profiles in ${profilesDir()} are valid\n`);
    });
  profiles
    .command('preview')
    .description(
      'Show the first records of a file as canonical rows, mapped by a profile, and what ingest would do with each (nothing is stored).',
    )
    .requiredOption('--profile <name|file>', 'the input profile (data/profiles/NAME.json or a file)')
    .argument('<file>', "a CDR file in the profile's layout")
    .option(
      '--records <n>',
      'how many records to show',
      (value: string) => Number.parseInt(requireMatch(value, /^[1-9]\d{0,5}$/, '--records', 'a whole number ≥ 1'), 10),
      10,
    )
    .addOption(
      new Option('--encoding <encoding>', "input encoding (default: the profile's)").choices(['utf8', 'cp932']),
    )
    .addOption(dbOption())
    .action(
      async (path: string, options: { profile: string; records: number; encoding?: InputEncoding; db?: string }) => {
        const profile = loadProfile(options.profile);
        // Rated as ingest would rate them: with the store's subscriptions (none yet: the default plan).
        const data = loadReferenceData();
        const reference = await withStoreIfThere(
          options.db,
          (store) => withStoredSubscriptions(store, data),
          () => data,
        );
        const file = await InputFile.open(path);
        try {
          const rows = await previewRecords(file, profile, reference, {
            records: options.records,
            encoding: options.encoding,
          });
          io.stdout(
            stringify([
              ['line', ...CDR_COLUMNS, 'outcome'],
              ...rows.map((row) => [
                String(row.line),
                ...(row.fields.length > 0 ? row.fields : CDR_COLUMNS.map(() => '')),
                row.outcome,
              ]),
            ]),
          );
        } finally {
          await file.close();
        }
      },
    );
}

function conditionText(when: { in?: string[]; notIn?: string[]; empty?: boolean; startsWith?: string[] }): string {
  const parts: string[] = [];
  if (when.in !== undefined) parts.push(`is one of ${when.in.join(', ')}`);
  if (when.notIn !== undefined) parts.push(`is none of ${when.notIn.join(', ')}`);
  if (when.empty !== undefined) parts.push(when.empty ? 'is empty' : 'is not empty');
  if (when.startsWith !== undefined) parts.push(`starts with ${when.startsWith.join(' or ')}`);
  return parts.join(' and ');
}
