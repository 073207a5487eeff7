import { Command, Option } from 'commander';
import { ConfigurationError, RunFailedError, StoreConfigurationError, StoreVersionError } from '../../errors';
import { withOpenStore } from '../../store/openStore';
import { loadReferenceData } from '../../reference/referenceData';
import { mintToken, parseTtl, readViewSecret } from '../../view/token';
import { currentJapanMonth, windowMonths } from '../../view/window';
import { DEFAULT_MAX_IN_FLIGHT } from '../../view/limits';
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
  return new Option(
    '--secret-file <file>',
    'the shared token secret, read from this file (default: $MEISAI_VIEW_SECRET)',
  );
}

function maxInFlightOption(value: string): number {
  return Number(requireMatch(value, /^([1-9]\d{0,3})$/, 'max in flight', 'a number of requests from 1 to 9999'));
}

/**
 * A store of a newer schema (or an older one: a read never migrates) does not get better by
 * waiting: refused at start, exit 2, saying the versions, instead of answering 503 for ever. A store
 * that is not there yet, or a server not reachable yet, is waited for (503 until it is).
 */
async function refuseUnreadableSchema(db: string | undefined): Promise<void> {
  try {
    await withOpenStore(db, 'read', () => undefined);
  } catch (error) {
    if (error instanceof StoreVersionError) {
      throw new StoreConfigurationError(`serve: ${error.message}`);
    }
  }
}

interface ServeOptions {
  port: number;
  host: string;
  db?: string;
  windowMonths: number;
  windowEnd?: string;
  secretFile?: string;
  maxInFlight: number;
}

export function registerServe(program: Command, io: Io): void {
  program
    .command('serve')
    .description('Serve the statement view (read-only HTTP: the 050IP電話利用明細 page and its API), token access.')
    .addOption(new Option('--port <port>', 'TCP port').argParser(portOption).default(8050))
    .option('--host <address>', 'address to bind to', '127.0.0.1')
    .addOption(dbOption())
    .addOption(
      new Option('--window-months <n>', 'how many months the portal shows').argParser(windowLengthOption).default(7),
    )
    .addOption(
      new Option(
        '--window-end <YYYY-MM>',
        "the newest month shown (default: the current Japan-time month, or a contract's newest month with a statement when the window has none)",
      ).argParser(monthOption),
    )
    .addOption(
      new Option('--max-in-flight <n>', 'requests worked on at once; past it 503 with Retry-After')
        .argParser(maxInFlightOption)
        .default(DEFAULT_MAX_IN_FLIGHT),
    )
    .addOption(secretFileOption())
    .action(async (options: ServeOptions) => {
      const secret = readViewSecret(options.secretFile);
      await refuseUnreadableSchema(options.db);
      const window =
        options.windowEnd === undefined
          ? { length: options.windowMonths }
          : windowMonths(options.windowEnd, options.windowMonths);
      // fastify is loaded by serve only: every other command starts without it.
      const { buildViewServer } = await import('../../view/server');
      const app = buildViewServer({
        db: options.db,
        secret,
        reference: loadReferenceData(),
        window,
        logger: createLogger(),
        maxInFlight: options.maxInFlight,
      });
      let address: string;
      try {
        address = await app.listen({ port: options.port, host: options.host });
      } catch (error) {
        await app.close();
        throw new RunFailedError(
          `cannot listen on ${options.host}:${options.port}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
        );
      }
      const shown = Array.isArray(window)
        ? `months ${window.at(-1)} to ${window[0]}`
        : `the ${options.windowMonths} months up to ${currentJapanMonth()}, or up to a contract's newest month with a statement when those have none`;
      io.stdout(`meisai serve: listening on ${address} (${shown})\n`);
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
    .addOption(
      new Option('--ttl <duration>', 'how long it is valid: 90s, 10m, 2h (at most 24h)')
        .argParser(parseTtl)
        .default(600, '10m'),
    )
    .addOption(secretFileOption())
    .action((options: { contract: string; ttl: number; secretFile?: string }) => {
      io.stdout(`${mintToken(readViewSecret(options.secretFile), options.contract, options.ttl)}\n`);
    });
}
