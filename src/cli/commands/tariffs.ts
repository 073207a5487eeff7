import { Command } from 'commander';
import { checkReferenceFile, DEFAULT_DATA_DIR, loadReferenceData } from '../../reference/referenceData';
import { Io } from '../options';

export function registerTariffs(program: Command, io: Io): void {
  const tariffs = program.command('tariffs').description('Tariff and numbering plan files.');
  tariffs
    .command('check')
    .description('Validate tariff and numbering files against schemas/ (default: all of data/).')
    .argument('[files...]', 'files to check')
    .action((files: string[]) => {
      if (files.length === 0) {
        const reference = loadReferenceData();
        const dataDir = process.env.MEISAI_DATA_DIR ?? DEFAULT_DATA_DIR;
        for (const version of reference.tariffs.versions) io.stdout(`ok  tariff ${version.id} (from ${version.file.effectiveFrom})\n`);
        io.stdout(`ok  numbering plan ${reference.numbering.id}\n`);
        io.stdout(`all reference data in ${dataDir} is valid\n`);
        return;
      }
      for (const file of files) io.stdout(`ok  ${checkReferenceFile(file)} ${file}\n`);
    });
}
