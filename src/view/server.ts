import Fastify, { FastifyBaseLogger, FastifyInstance, FastifyRequest, LogController } from 'fastify';
import pino from 'pino';
import { ConfigurationError, MeisaiError, RunFailedError, StoreConfigurationError, StoreFailedError } from '../errors';
import { readCallDetails, renderCallDetailsCsv } from '../export/callDetails';
import { ReferenceData } from '../reference/referenceData';
import { loadShownStatement, ShownStatement } from '../statement/loadStatement';
import { renderCsv } from '../statement/renderCsv';
import { renderHtml } from '../statement/renderHtml';
import { shownStatementJson } from '../statement/revisions';
import { Statement } from '../statement/statement';
import { Store } from '../store/types';
import { withStoredSubscriptions } from '../subscription/storedSubscriptions';
import { numberOption, withStore } from '../cli/options';
import { renderStatementPage } from './page';
import { MonthSummary, summariseWindow } from './summary';
import { verifyToken } from './token';

export interface ViewOptions {
  /** --db: a SQLite path or postgres:// URL (undefined: $MEISAI_DB or the default store). */
  db: string | undefined;
  secret: string;
  reference: ReferenceData;
  /** The window's months, newest first (windowMonths). */
  window: string[];
  logger: pino.Logger;
}

const CONTRACT = '^N\\d{9}$';
const MONTH = '^\\d{4}-(0[1-9]|1[0-2])$';
const TOKEN_QUERY = { type: 'string', maxLength: 200 };

const contractParams = {
  type: 'object',
  required: ['contract'],
  properties: { contract: { type: 'string', pattern: CONTRACT } },
} as const;

/** A 4xx/5xx with a JSON body: a short message, never a stack trace. */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
  }
}

const FORMATS = {
  json: { type: 'application/json; charset=utf-8', render: ({ statement, issue }: ShownStatement) => shownStatementJson(statement, issue !== null) },
  csv: { type: 'text/csv; charset=utf-8', render: ({ statement }: ShownStatement) => renderCsv(statement) },
  html: { type: 'text/html; charset=utf-8', render: ({ statement, issue }: ShownStatement, single: boolean) => renderHtml(statement, { singleNumber: single, issue }) },
} as const;

/** The read-only statement view (no write endpoints). Every route but /health needs a token for its contract. */
export function buildViewServer(options: ViewOptions): FastifyInstance {
  const app = Fastify({
    loggerInstance: options.logger as FastifyBaseLogger,
    // fastify's own request lines would carry the URL with its ?token=: the access log below is written instead.
    logController: new LogController({ disableRequestLogging: true }),
    routerOptions: { maxParamLength: 100 },
    // Ajv as fastify sets it up, but a value is never coerced into a pattern it does not match.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, allErrors: false } },
  });
  const window = new Set(options.window);

  // The access log: one line per request, its path without the query string (so never a token).
  app.addHook('onResponse', async (request, reply) => {
    request.log.info(
      { event: 'access', method: request.method, path: request.url.split('?')[0], status: reply.statusCode, ms: Math.round(reply.elapsedTime * 10) / 10 },
      'request',
    );
  });

  app.addHook('onSend', async (_request, reply, payload) => {
    reply.header('cache-control', 'no-store');
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'no-referrer');
    return payload;
  });

  app.addHook('onRequest', async (request) => {
    if (request.routeOptions.url === '/health' || request.routeOptions.url === undefined) return;
    const token = bearerToken(request);
    const check = token === undefined ? undefined : verifyToken(options.secret, token);
    if (check === undefined || !check.ok) throw new HttpError(401, 'a valid token is needed');
    const contract = (request.params as { contract?: unknown }).contract;
    if (contract !== check.contract) throw new HttpError(403, 'this token does not give access to that contract');
  });

  app.setErrorHandler((error: Error & { statusCode?: number; validation?: unknown }, request, reply) => {
    const [status, message] = describeError(error);
    if (status >= 500) request.log.error({ err: { type: error.name, message: error.message } }, 'request failed');
    return reply.code(status).type('application/json; charset=utf-8').send({ error: message });
  });
  app.setNotFoundHandler((_request, reply) => reply.code(404).send({ error: 'not found' }));

  app.get('/health', async () => ({ status: 'ok' }));

  const read = <T>(work: (store: Store) => Promise<T>): Promise<T> => withStore(options.db, work);

  app.get('/api/contracts/:contract/months', { schema: { params: contractParams, querystring: { type: 'object', properties: { token: TOKEN_QUERY } } } }, async (request) => {
    const { contract } = request.params as { contract: string };
    const months = await read((store) => store.statementMonths(contract));
    return { contract, months: months.filter((month) => window.has(month)) };
  });

  app.get('/api/contracts/:contract/summary', { schema: { params: contractParams, querystring: { type: 'object', additionalProperties: false, properties: { token: TOKEN_QUERY } } } }, async (request) => {
    const { contract } = request.params as { contract: string };
    return { contract, months: await windowSummary(contract) };
  });

  app.get(
    '/api/contracts/:contract/statements/:month',
    {
      schema: {
        params: {
          type: 'object',
          required: ['contract', 'month'],
          properties: { contract: { type: 'string', pattern: CONTRACT }, month: { type: 'string', pattern: '^\\d{4}-(0[1-9]|1[0-2])(\\.(json|csv|html))?$' } },
        },
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { number: { type: 'string', maxLength: 20 }, revision: { type: 'string', pattern: '^[1-9]\\d{0,5}$' }, token: TOKEN_QUERY },
        },
      },
    },
    async (request, reply) => {
      const { contract, month: monthParam } = request.params as { contract: string; month: string };
      const query = request.query as { number?: string; revision?: string };
      const [month, suffix] = monthParam.split('.') as [string, keyof typeof FORMATS | undefined];
      const format = FORMATS[suffix ?? 'json'];
      const shown = await statementFor(contract, month, query);
      return reply.type(format.type).send(format.render(shown, query.number !== undefined));
    },
  );

  app.get(
    '/api/contracts/:contract/statements/:month/calls',
    {
      schema: {
        params: { type: 'object', required: ['contract', 'month'], properties: { contract: { type: 'string', pattern: CONTRACT }, month: { type: 'string', pattern: MONTH } } },
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { number: { type: 'string', maxLength: 20 }, mask: { type: 'string', enum: ['true', 'false'] }, token: TOKEN_QUERY },
        },
      },
    },
    async (request, reply) => {
      const { contract, month } = request.params as { contract: string; month: string };
      const query = request.query as { number?: string; mask?: string };
      inWindow(month);
      const number = query.number === undefined ? undefined : numberOption(query.number);
      const calls = await read((store) => readCallDetails(store, { contractId: contract, month, number, direction: 'all' }));
      return reply.type('text/csv; charset=utf-8').send(renderCallDetailsCsv(calls, { mask: query.mask !== 'false' }));
    },
  );

  app.get(
    '/contracts/:contract',
    {
      schema: {
        params: contractParams,
        querystring: { type: 'object', additionalProperties: false, properties: { month: { type: 'string', pattern: MONTH }, token: TOKEN_QUERY } },
      },
    },
    async (request, reply) => {
      const { contract } = request.params as { contract: string };
      const query = request.query as { month?: string; token?: string };
      const stored = await read((store) => store.statementMonths(contract));
      const available = stored.filter((month) => window.has(month));
      const month = query.month ?? available[0] ?? options.window[0]!;
      inWindow(month);
      const statement = available.includes(month) ? (await statementFor(contract, month, {})).statement : undefined;
      const summary = await windowSummary(contract);
      const html = renderStatementPage({ contract, month, window: options.window, token: query.token ?? '', statement, summary });
      return reply.type('text/html; charset=utf-8').header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'").send(html);
    },
  );

  /** The window's months at a glance, oldest first (a month without a statement is all zeros). */
  async function windowSummary(contract: string): Promise<MonthSummary[]> {
    const stored = new Set(await read((store) => store.statementMonths(contract)));
    const statements = new Map<string, Statement>();
    for (const month of options.window) if (stored.has(month)) statements.set(month, (await statementFor(contract, month, {})).statement);
    return summariseWindow(options.window, statements);
  }

  function inWindow(month: string): void {
    if (!window.has(month)) throw new HttpError(404, `month ${month} is outside the months shown (${options.window.at(-1)} to ${options.window[0]})`);
  }

  async function statementFor(contract: string, month: string, query: { number?: string; revision?: string }): Promise<ShownStatement> {
    inWindow(month);
    const number = query.number === undefined ? undefined : numberOption(query.number);
    return read(async (store) =>
      loadShownStatement(store, await withStoredSubscriptions(store, options.reference), {
        contractId: contract,
        month,
        number,
        revision: query.revision === undefined ? undefined : Number(query.revision),
      }),
    );
  }

  return app;
}

function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (typeof header === 'string') {
    const match = /^Bearer (\S+)$/i.exec(header.trim());
    return match === null ? undefined : match[1];
  }
  const query = request.query as { token?: unknown } | undefined;
  return typeof query?.token === 'string' && query.token !== '' ? query.token : undefined;
}

/** The status and message of a failure: input → 4xx, the store missing or failing → 503, never a stack trace. */
function describeError(error: Error & { statusCode?: number; validation?: unknown; code?: string }): [number, string] {
  if (error instanceof HttpError) return [error.statusCode, error.message];
  if (error.validation !== undefined) return [400, `bad request: ${error.message}`];
  if (error instanceof StoreConfigurationError || error instanceof StoreFailedError) return [503, 'the store is not available; try again later'];
  if (error instanceof ConfigurationError) return [400, error.message];
  if (error instanceof RunFailedError) return [404, error.message];
  if (error instanceof MeisaiError) return [500, 'internal error'];
  if (typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500) return [error.statusCode, error.message];
  return [500, 'internal error'];
}

