import { Command, Option } from 'commander';
import { ConfigurationError, RunFailedError } from '../../errors';
import { loadReferenceData } from '../../reference/referenceData';
import { mintToken, parseTtl, readViewSecret } from '../../view/token';
import { currentJapanMonth, windowMonths } from '../../view/window';
import { createLogger } from '../logger';
import { contractOption, dbOption, Io, monthOption, requireMatch } from '../options';

function portOption(value: string): number {
  const port = Number(requireMatch(value, /^\d{1,5}$/, 'port', 'a TCP port 0-65535'));
  if (port > 65535) throw new ConfigurationError(`port "${value}" is not valid: expected a TCP port 0-65535`);
  return port;
}

function windowLengthOption(value: string): number {
  return Number(requireMatch(value, /^([1-9]|[1-5]\d|60)$/, 'window length', 'a number of months from 1 to 60'));
}

function secretFileOption(): Option {
  return new Option('--secret-file <file>', 'the shared token secret, read from this file (default: $MEISAI_VIEW_SECRET)');
}

interface ServeOptions {
  port: number;
  host: string;
  db?: string;
  windowMonths: number;
  windowEnd?: string;
  secretFile?: string;
}

export function registerServe(program: Command, io: Io): void {
  program
    .command('serve')
    .description('Serve the statement view (read-only HTTP: the 050IP電話利用明細 page and its API), token access.')
    .addOption(new Option('--port <port>', 'TCP port').argParser(portOption).default(8050))
    .option('--host <address>', 'address to bind to', '127.0.0.1')
    .addOption(dbOption())
    .addOption(new Option('--window-months <n>', 'how many months the portal shows').argParser(windowLengthOption).default(7))
    .addOption(new Option('--window-end <YYYY-MM>', 'the newest month shown (default: the current Japan-time month)').argParser(monthOption))
    .addOption(secretFileOption())
    .action(async (options: ServeOptions) => {
      const secret = readViewSecret(options.secretFile);
      const window = windowMonths(options.windowEnd ?? currentJapanMonth(), options.windowMonths);
      // fastify is loaded by serve only: every other command starts without it.
      const { buildViewServer } = await import('../../view/server');
      const app = buildViewServer({ db: options.db, secret, reference: loadReferenceData(), window, logger: createLogger() });
      let address: string;
      try {
        address = await app.listen({ port: options.port, host: options.host });
      } catch (error) {
        await app.close();
        throw new RunFailedError(`cannot listen on ${options.host}:${options.port}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
      }
      io.stdout(`meisai serve: listening on ${address} (months ${window.at(-1)} to ${window[0]})\n`);
      await new Promise<void>((resolve) => {
        const stop = (signal: NodeJS.Signals): void => {
          process.removeListener('SIGTERM', stop);
          process.removeListener('SIGINT', stop);
          app.log.info({ event: 'shutdown', signal }, 'stopping: finishing the requests in flight');
          void app.close().then(() => resolve());
        };
        process.once('SIGTERM', stop);
        process.once('SIGINT', stop);
      });
    });

  program
    .command('token')
    .description('Mint a statement view token for one contract, signed with the shared secret.')
    .requiredOption('--contract <id>', 'contract id, e.g. N000000001', contractOption)
    .addOption(new Option('--ttl <duration>', 'how long it is valid: 90s, 10m, 2h (at most 24h)').argParser(parseTtl).default(600, '10m'))
    .addOption(secretFileOption())
    .action((options: { contract: string; ttl: number; secretFile?: string }) => {
      io.stdout(`${mintToken(readViewSecret(options.secretFile), options.contract, options.ttl)}\n`);
    });
}
