import Fastify, { FastifyBaseLogger, FastifyInstance, FastifyReply, FastifyRequest, LogController } from 'fastify';
import { Socket } from 'node:net';
import { setImmediate as yieldToQueuedRequests } from 'node:timers/promises';
import pino from 'pino';
import { ConfigurationError, MeisaiError, RunFailedError, StoreConfigurationError, StoreFailedError } from '../errors';
import { readCallDetails, renderCallDetailsCsv } from '../export/callDetails';
import { ReferenceData } from '../reference/referenceData';
import { ShownStatement, loadShownStatement, readAllowanceCoverage } from '../statement/loadStatement';
import { renderCsv } from '../statement/renderCsv';
import { renderHtml } from '../statement/renderHtml';
import { shownStatementJson } from '../statement/revisions';
import { Statement } from '../statement/statement';
import { Invoice } from '../billing/invoice';
import { isIntact } from '../billing/issuedInvoices';
import { renderInvoiceHtml } from '../billing/renderInvoiceHtml';
import { renderInvoicePdf } from '../billing/renderInvoicePdf';
import { Store, StoredInvoice } from '../store/types';
import { withStoredSubscriptions } from '../store/storedSubscriptions';
import { requireSubscriberNumber } from '../numbering/peer';
import { withOpenStore } from '../store/openStore';
import { formatStatementMonth } from '../statement/renderText';
import { InvoiceStatus } from './invoiceTabs';
import {
  CALLS_PER_PAGE,
  renderCallsPage,
  renderErrorPage,
  renderInvoiceInquiryPage,
  renderInvoiceListPage,
  renderStatementPage,
} from './page';
import { MonthSummary, summariseWindow } from './summary';
import { verifyToken } from './token';
import { DEFAULT_MAX_IN_FLIGHT } from './limits';
import { contractWindow, WindowRule } from './window';

export interface ViewOptions {
  /** --db: a SQLite path or postgres:// URL (undefined: $MEISAI_DB or the default store). */
  db: string | undefined;
  secret: string;
  reference: ReferenceData;
  /** The window: its months, newest first (windowMonths, --window-end), or its length up to the current month. */
  window: WindowRule;
  logger: pino.Logger;
  /** Requests worked on at once (the store open for each); past it: 503 with Retry-After. Default 16. */
  maxInFlight?: number;
}

/** Seconds a client is asked to wait after a 503. */
const RETRY_AFTER_BUSY = '1';
const RETRY_AFTER_STORE = '10';

/** Headers every response carries, those fastify or Node write themselves included. */
const COMMON_HEADERS = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
} as const;
const PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'";
const STATEMENT_HTML_CSP = "default-src 'none'; style-src 'unsafe-inline'";

const CONTRACT = '^N\\d{9}$';
const MONTH = '^\\d{4}-(0[1-9]|1[0-2])$';
const TOKEN_QUERY = { type: 'string', maxLength: 200 };
const TOKEN_ONLY = { type: 'object', additionalProperties: false, properties: { token: TOKEN_QUERY } } as const;
/** An invoice number: the issuer's registration number and its sequence, `T1234567890123-00000042`. */
const INVOICE_NUMBER = 'T\\d{13}-\\d{8}';

const contractParams = {
  type: 'object',
  required: ['contract'],
  properties: { contract: { type: 'string', pattern: CONTRACT } },
} as const;

/** A 4xx/5xx: a short message (JSON on the API), its Japanese for a page; never a stack trace. */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
    readonly pageMessage?: string,
  ) {
    super(message);
  }
}

/** What a browser is told on a page route, by status (an HttpError may say more). */
const PAGE_MESSAGES: Record<number, string> = {
  400: 'ご指定の内容（ご確認月など）に誤りがあります。リンクをご確認ください。',
  401: 'アクセス用のリンクが正しくないか、有効期限が切れています。お手数ですが、もう一度お手続きの画面からお開きください。',
  404: 'お探しのページは見つかりません。',
  414: 'ご指定の内容に誤りがあります。リンクをご確認ください。',
  431: 'ご指定の内容に誤りがあります。リンクをご確認ください。',
  503: 'ただいま混み合っているか、メンテナンス中のためご利用いただけません。しばらくしてから再度お試しください。',
  500: 'エラーが発生しました。しばらくしてから再度お試しください。',
};

/** The 403 page names what the route shows (ご利用明細, 請求情報). */
function pageMessageFor(status: number, subject: string): string {
  if (status === 403) return `このリンクでは、このご契約の${subject}は表示できません。`;
  return PAGE_MESSAGES[status] ?? PAGE_MESSAGES[500]!;
}

/** What a page route shows, for its error pages' wording; the statement's by default. */
const USAGE_SUBJECT = 'ご利用明細';
const INVOICE_SUBJECT = '請求情報';
const INVOICE_PAGE = { page: true, subject: INVOICE_SUBJECT };

/** A stored invoice that no longer matches its sha256: the operator must look, the customer is told no more. */
const STORE_DAMAGED_PAGE = '請求情報を表示できません。お手数ですが、お問い合わせ窓口までご連絡ください。';

const FORMATS = {
  json: {
    type: 'application/json; charset=utf-8',
    render: ({ statement, issue }: ShownStatement) => shownStatementJson(statement, issue !== null),
  },
  csv: { type: 'text/csv; charset=utf-8', render: ({ statement }: ShownStatement) => renderCsv(statement) },
  html: {
    type: 'text/html; charset=utf-8',
    render: ({ statement, issue }: ShownStatement, single: boolean) =>
      renderHtml(statement, { singleNumber: single, issue }),
  },
} as const;

/** The read-only statement view (no write endpoints). Every route but /health needs a token for its contract. */
export function buildViewServer(options: ViewOptions): FastifyInstance {
  const logger = options.logger;
  const maxInFlight = options.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT;
  let inFlight = 0;
  const app = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    // fastify's own request lines would carry the URL with its ?token=: the access log below is written instead.
    logController: new LogController({ disableRequestLogging: true }),
    routerOptions: { maxParamLength: 100 },
    // Ajv as fastify sets it up, but a value is never coerced into a pattern it does not match.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, allErrors: false } },
    // A URL the router cannot decode (`/%`) or a parameter past maxParamLength (414): answered here,
    // with the usual headers and an access line, never echoing the path.
    frameworkErrors: (error, request, reply) => {
      const status = error.code === 'FST_ERR_MAX_PARAM_LENGTH' ? 414 : 400;
      const message = status === 414 ? 'the URL is too long' : 'bad request: the URL is not valid';
      sendFailure(request, reply, status, message, pageMessageFor(status, USAGE_SUBJECT), wantsPage(request));
      accessLine(request.method, pathOf(request.raw.url), status, 0);
    },
    // Node's own refusals (431 headers too large, 400 unparsable, 408): written on the socket, as fastify does, with the headers.
    clientErrorHandler: (error: Error & { code?: string }, socket: Socket) => {
      if (error.code === 'ECONNRESET' || socket.destroyed) return;
      const status = error.code === 'HPE_HEADER_OVERFLOW' ? 431 : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
      const body = JSON.stringify({
        error:
          status === 431
            ? 'the request headers are too large'
            : status === 408
              ? 'the request took too long'
              : 'bad request',
      });
      const headers = {
        ...COMMON_HEADERS,
        'content-type': 'application/json; charset=utf-8',
        'content-length': String(Buffer.byteLength(body)),
        connection: 'close',
      };
      if (socket.writable) {
        socket.write(
          `HTTP/1.1 ${status} ${STATUS_TEXT[status]}\r\n${Object.entries(headers)
            .map(([name, value]) => `${name}: ${value}`)
            .join('\r\n')}\r\n\r\n${body}`,
        );
      }
      // The request line was not read: the access line has no method or path.
      accessLine(null, null, status, 0);
      socket.destroy();
    },
  });

  function accessLine(method: string | null, path: string | null, status: number, ms: number): void {
    logger.info({ event: 'access', method, path, status, ms }, 'request');
  }

  // The access log: one line per request, its path without the query string (so never a token).
  app.addHook('onResponse', async (request, reply) => {
    accessLine(request.method, pathOf(request.url), reply.statusCode, Math.round(reply.elapsedTime * 10) / 10);
  });

  app.addHook('onSend', async (_request, reply, payload) => {
    reply.headers(COMMON_HEADERS);
    return payload;
  });

  // The work in flight is bounded: past maxInFlight a request is refused at once (503, Retry-After)
  // instead of queueing behind the others. A store read holds the event loop (SQLite) or a
  // connection (PostgreSQL), so the queue otherwise grows without bound (400 clients: p99 17 s).
  app.addHook('onRequest', async (request, reply) => {
    if (request.routeOptions.url === '/health' || request.routeOptions.url === undefined) return;
    if (inFlight >= maxInFlight) {
      reply.header('retry-after', RETRY_AFTER_BUSY);
      throw new HttpError(503, 'too many requests at once; try again shortly');
    }
    inFlight += 1;
    reply.raw.once('close', () => {
      inFlight -= 1;
    });
    // Let the requests that arrived with this one be counted before its work starts.
    await yieldToQueuedRequests();
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
    if (status === 503 && !reply.hasHeader('retry-after')) reply.header('retry-after', RETRY_AFTER_STORE);
    const pageMessage =
      (error instanceof HttpError ? error.pageMessage : undefined) ?? pageMessageFor(status, pageSubject(request));
    return sendFailure(request, reply, status, message, pageMessage, isPageRoute(request));
  });
  app.setNotFoundHandler((request, reply) =>
    sendFailure(request, reply, 404, 'not found', pageMessageFor(404, USAGE_SUBJECT), wantsPage(request)),
  );

  app.get('/health', async () => ({ status: 'ok' }));

  const read = <T>(work: (store: Store) => Promise<T>): Promise<T> => withOpenStore(options.db, 'read', work);

  app.get(
    '/api/contracts/:contract/months',
    {
      schema: {
        params: contractParams,
        querystring: { type: 'object', additionalProperties: false, properties: { token: TOKEN_QUERY } },
      },
    },
    async (request) => {
      const { contract } = request.params as { contract: string };
      const shown = await read((store) => shownMonths(store, contract));
      return { contract, months: shown.withStatement };
    },
  );

  app.get(
    '/api/contracts/:contract/summary',
    {
      schema: {
        params: contractParams,
        querystring: { type: 'object', additionalProperties: false, properties: { token: TOKEN_QUERY } },
      },
    },
    async (request) => {
      const { contract } = request.params as { contract: string };
      return {
        contract,
        months: await read(async (store) => windowSummary(store, contract, await shownMonths(store, contract))),
      };
    },
  );

  app.get(
    '/api/contracts/:contract/statements/:month',
    {
      schema: {
        params: {
          type: 'object',
          required: ['contract', 'month'],
          properties: {
            contract: { type: 'string', pattern: CONTRACT },
            month: { type: 'string', pattern: '^\\d{4}-(0[1-9]|1[0-2])(\\.(json|csv|html))?$' },
          },
        },
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            number: { type: 'string', maxLength: 20 },
            revision: { type: 'string', pattern: '^[1-9]\\d{0,5}$' },
            token: TOKEN_QUERY,
          },
        },
      },
    },
    async (request, reply) => {
      const { contract, month: monthParam } = request.params as { contract: string; month: string };
      const query = request.query as { number?: string; revision?: string };
      const [month, suffix] = monthParam.split('.') as [string, keyof typeof FORMATS | undefined];
      const format = FORMATS[suffix ?? 'json'];
      const statement = await read(async (store) => {
        const shown = await shownMonths(store, contract);
        withStatementIn(shown, contract, month);
        return statementFor(store, contract, month, query);
      });
      if (suffix === 'html') reply.header('content-security-policy', STATEMENT_HTML_CSP);
      return reply.type(format.type).send(format.render(statement, query.number !== undefined));
    },
  );

  app.get(
    '/api/contracts/:contract/statements/:month/calls',
    {
      schema: {
        params: {
          type: 'object',
          required: ['contract', 'month'],
          properties: { contract: { type: 'string', pattern: CONTRACT }, month: { type: 'string', pattern: MONTH } },
        },
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            number: { type: 'string', maxLength: 20 },
            mask: { type: 'string', enum: ['true', 'false'] },
            token: TOKEN_QUERY,
          },
        },
      },
    },
    async (request, reply) => {
      const { contract, month } = request.params as { contract: string; month: string };
      const query = request.query as { number?: string; mask?: string };
      const number = query.number === undefined ? undefined : requireSubscriberNumber(query.number);
      const { calls, allowanceCovered } = await read(async (store) => {
        await callsIn(store, contract, month);
        const details = await readCallDetails(store, { contractId: contract, month, number, direction: 'all' });
        return {
          calls: details,
          allowanceCovered: await readAllowanceCoverage(
            store,
            await withStoredSubscriptions(store, options.reference),
            contract,
            month,
          ),
        };
      });
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="calls-${contract}-${month}.csv"`)
        .send(
          renderCallDetailsCsv(calls, {
            mask: query.mask !== 'false',
            ...(allowanceCovered === undefined ? {} : { allowanceCovered }),
          }),
        );
    },
  );

  const pageQuery = { month: { type: 'string', pattern: MONTH }, token: TOKEN_QUERY };

  app.get(
    '/contracts/:contract',
    {
      config: { page: true },
      schema: {
        params: contractParams,
        querystring: { type: 'object', additionalProperties: false, properties: pageQuery },
      },
    },
    async (request, reply) => {
      const { contract } = request.params as { contract: string };
      const query = request.query as { month?: string; token?: string };
      const html = await read(async (store) => {
        const shown = await shownMonths(store, contract);
        const month = query.month ?? shown.withStatement[0] ?? shown.months[0]!;
        inWindow(shown, month);
        const statement = shown.withStatement.includes(month)
          ? (await statementFor(store, contract, month, {})).statement
          : undefined;
        const summary = await windowSummary(store, contract, shown);
        return renderStatementPage({
          contract,
          month,
          window: shown.months,
          token: query.token ?? '',
          statement,
          summary,
        });
      });
      return reply.type('text/html; charset=utf-8').header('content-security-policy', PAGE_CSP).send(html);
    },
  );

  app.get(
    '/contracts/:contract/calls',
    {
      config: { page: true },
      schema: {
        params: contractParams,
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { ...pageQuery, page: { type: 'string', pattern: '^[1-9]\\d{0,5}$' } },
        },
      },
    },
    async (request, reply) => {
      const { contract } = request.params as { contract: string };
      const query = request.query as { month?: string; page?: string; token?: string };
      const html = await read(async (store) => {
        const shown = await shownMonths(store, contract);
        const month = query.month ?? shown.withStatement[0] ?? shown.months[0]!;
        inWindow(shown, month);
        const all = (await store.hasCalls(contract, month))
          ? await store.callDetails({ contractId: contract, month, direction: 'all' })
          : [];
        const pageCount = Math.max(1, Math.ceil(all.length / CALLS_PER_PAGE));
        const page = Number(query.page ?? '1');
        if (page > pageCount)
          throw new HttpError(
            404,
            `page ${page} is past the last (${pageCount})`,
            `通話明細は${pageCount}ページまでです。`,
          );
        const first = (page - 1) * CALLS_PER_PAGE;
        const calls = all.length === 0 ? undefined : all.slice(first, first + CALLS_PER_PAGE);
        return renderCallsPage({
          contract,
          month,
          window: shown.months,
          token: query.token ?? '',
          calls,
          page,
          pageCount,
          callCount: all.length,
          firstIndex: first + 1,
        });
      });
      return reply.type('text/html; charset=utf-8').header('content-security-policy', PAGE_CSP).send(html);
    },
  );

  // 請求情報一覧 and 請求情報照会: the contract's issued invoices and notes of the window's months,
  // served as stored (a document whose sha256 no longer matches is a 500, logged, never re-rendered).

  app.get(
    '/api/contracts/:contract/invoices',
    { schema: { params: contractParams, querystring: TOKEN_ONLY } },
    async (request) => {
      const { contract } = request.params as { contract: string };
      const documents = await read(async (store) => {
        const rows = await contractInvoices(store, contract);
        return listed(request, rows, await shownMonths(store, contract));
      });
      return { contract, invoices: documents };
    },
  );

  app.get(
    '/api/contracts/:contract/invoices/:number',
    {
      schema: {
        params: {
          type: 'object',
          required: ['contract', 'number'],
          properties: {
            contract: { type: 'string', pattern: CONTRACT },
            number: { type: 'string', pattern: `^${INVOICE_NUMBER}(\\.(json|html|pdf))?$` },
          },
        },
        querystring: TOKEN_ONLY,
      },
    },
    async (request, reply) => {
      const { contract, number: numberParam } = request.params as { contract: string; number: string };
      const [number, suffix] = numberParam.split('.') as [string, 'json' | 'html' | 'pdf' | undefined];
      const document = await read(async (store) => {
        const rows = await contractInvoices(store, contract);
        const row = byNumber(rows, contract, number);
        inWindow(await shownMonths(store, contract), row.month, INVOICE_SUBJECT);
        return asIssued(request, row);
      });
      if (suffix === 'html')
        return reply
          .type('text/html; charset=utf-8')
          .header('content-security-policy', STATEMENT_HTML_CSP)
          .send(renderInvoiceHtml(document.invoice));
      if (suffix === 'pdf') {
        const pdf = await renderInvoicePdf(document.invoice);
        return reply
          .type('application/pdf')
          .header('content-disposition', `inline; filename="${number}.pdf"`)
          .send(pdf);
      }
      return reply.type('application/json; charset=utf-8').send(document.stored.invoiceJson);
    },
  );

  app.get(
    '/contracts/:contract/invoices',
    { config: INVOICE_PAGE, schema: { params: contractParams, querystring: TOKEN_ONLY } },
    async (request, reply) => {
      const { contract } = request.params as { contract: string };
      const query = request.query as { token?: string };
      const html = await read(async (store) => {
        const rows = await contractInvoices(store, contract);
        const shown = await shownMonths(store, contract);
        return renderInvoiceListPage({
          contract,
          token: query.token ?? '',
          window: shown.months,
          documents: listed(request, rows, shown),
        });
      });
      return reply.type('text/html; charset=utf-8').header('content-security-policy', PAGE_CSP).send(html);
    },
  );

  app.get(
    '/contracts/:contract/invoice',
    {
      config: INVOICE_PAGE,
      schema: {
        params: contractParams,
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            month: { type: 'string', pattern: MONTH },
            number: { type: 'string', pattern: `^${INVOICE_NUMBER}$` },
            token: TOKEN_QUERY,
          },
        },
      },
    },
    async (request, reply) => {
      const { contract } = request.params as { contract: string };
      const query = request.query as { month?: string; number?: string; token?: string };
      const html = await read(async (store) => {
        const rows = await contractInvoices(store, contract);
        const shown = await shownMonths(store, contract);
        const inShown = rows.filter((row) => shown.months.includes(row.month));
        // a number: that document; else the month's newest; no month: the newest month with one (else the window's newest)
        const picked = query.number === undefined ? undefined : byNumber(rows, contract, query.number);
        const newestWithOne = inShown
          .map((row) => row.month)
          .sort()
          .at(-1);
        const month = picked?.month ?? query.month ?? newestWithOne ?? shown.months[0]!;
        inWindow(shown, month, INVOICE_SUBJECT);
        if (picked !== undefined && query.month !== undefined && query.month !== picked.month)
          throw notInvoiceOf(contract, picked.invoiceNumber);
        const monthRows = inShown.filter((row) => row.month === month);
        const shownRow = picked ?? monthRows.at(-1);
        return renderInvoiceInquiryPage({
          contract,
          month,
          window: shown.months,
          token: query.token ?? '',
          invoice: shownRow === undefined ? undefined : asIssued(request, shownRow).invoice,
          monthDocuments: monthRows.map((row) => ({ invoiceNumber: row.invoiceNumber, kind: row.kind })),
        });
      });
      return reply.type('text/html; charset=utf-8').header('content-security-policy', PAGE_CSP).send(html);
    },
  );

  /** The contract's issued invoices and notes, in issue order. */
  function contractInvoices(store: Store, contract: string): Promise<StoredInvoice[]> {
    return store.invoices({ contractId: contract });
  }

  /** The window's documents, each checked, newest month first and, within a month, the last issued first. */
  function listed(request: FastifyRequest, rows: StoredInvoice[], shown: ShownMonths): ListedInvoice[] {
    const corrected = new Set(rows.map((row) => row.corrects).filter((number) => number !== null));
    const newestFirst = rows.filter((row) => shown.months.includes(row.month)).reverse();
    newestFirst.sort((left, right) => (left.month === right.month ? 0 : left.month < right.month ? 1 : -1));
    return newestFirst.map((row) => {
      const { invoice } = asIssued(request, row);
      const status: InvoiceStatus = corrected.has(row.invoiceNumber) ? 'corrected' : 'issued';
      return {
        month: invoice.month,
        invoiceNumber: invoice.invoiceNumber,
        kind: invoice.kind,
        corrects: invoice.corrects,
        issuedOn: invoice.issuedOn,
        total: invoice.total,
        status,
      };
    });
  }

  /** The stored document as it was issued; one whose sha256 no longer matches is logged and answered 500, never re-rendered. */
  function asIssued(request: FastifyRequest, row: StoredInvoice): { stored: StoredInvoice; invoice: Invoice } {
    if (!isIntact(row)) {
      request.log.error(
        { event: 'store-damaged', invoiceNumber: row.invoiceNumber, contract: row.contractId, month: row.month },
        'a stored invoice no longer matches its sha256 (altered after issue): not served; run meisai reconcile',
      );
      throw new HttpError(500, 'the store is damaged: a stored invoice does not match its sha256', STORE_DAMAGED_PAGE);
    }
    return { stored: row, invoice: JSON.parse(row.invoiceJson) as Invoice };
  }

  /** The contract's window and the months of it with a statement, newest first. */
  async function shownMonths(store: Store, contract: string): Promise<ShownMonths> {
    const stored = await store.statementMonths(contract);
    const months = contractWindow(options.window, stored);
    return { months, withStatement: stored.filter((month) => months.includes(month)) };
  }

  /** The window's months at a glance, oldest first (a month without a statement is all zeros). */
  async function windowSummary(store: Store, contract: string, shown: ShownMonths): Promise<MonthSummary[]> {
    const statements = new Map<string, Statement>();
    for (const month of shown.withStatement)
      statements.set(month, (await statementFor(store, contract, month, {})).statement);
    return summariseWindow(shown.months, statements);
  }

  async function statementFor(
    store: Store,
    contract: string,
    month: string,
    query: { number?: string; revision?: string },
  ): Promise<ShownStatement> {
    const number = query.number === undefined ? undefined : requireSubscriberNumber(query.number);
    return loadShownStatement(store, await withStoredSubscriptions(store, options.reference), {
      contractId: contract,
      month,
      number,
      revision: query.revision === undefined ? undefined : Number(query.revision),
    });
  }

  /** A month without calls, said without naming any month outside the window (the store's own message lists them all). */
  async function callsIn(store: Store, contract: string, month: string): Promise<void> {
    const shown = await shownMonths(store, contract);
    inWindow(shown, month);
    if (!(await store.hasCalls(contract, month))) throw noFigures(shown, contract, month);
  }

  function pageSubject(request: FastifyRequest): string {
    return (request.routeOptions.config as { subject?: string } | undefined)?.subject ?? USAGE_SUBJECT;
  }

  function isPageRoute(request: FastifyRequest): boolean {
    return (request.routeOptions.config as { page?: boolean } | undefined)?.page === true;
  }

  function sendFailure(
    request: FastifyRequest,
    reply: FastifyReply,
    status: number,
    message: string,
    pageMessage: string,
    page: boolean,
  ): FastifyReply {
    reply.headers(COMMON_HEADERS);
    if (status === 503 && !reply.hasHeader('retry-after')) reply.header('retry-after', RETRY_AFTER_STORE);
    if (!page) return reply.code(status).type('application/json; charset=utf-8').send({ error: message });
    return reply
      .code(status)
      .type('text/html; charset=utf-8')
      .header('content-security-policy', PAGE_CSP)
      .send(renderErrorPage(status, pageMessage, pageSubject(request)));
  }

  return app;
}

interface ShownMonths {
  /** The window, newest first. */
  months: string[];
  /** Its months with a statement, newest first. */
  withStatement: string[];
}

function inWindow(shown: ShownMonths, month: string, subject = USAGE_SUBJECT): void {
  if (shown.months.includes(month)) return;
  const first = shown.months.at(-1)!;
  const last = shown.months[0]!;
  throw new HttpError(
    404,
    `month ${month} is outside the months shown (${first} to ${last})`,
    `${formatStatementMonth(month)}の${subject}はご確認いただけません。ご確認いただける月は${formatStatementMonth(first)}から${formatStatementMonth(last)}までです。`,
  );
}

/** A row of 請求情報一覧, as the API gives it. */
interface ListedInvoice {
  month: string;
  invoiceNumber: string;
  kind: Invoice['kind'];
  corrects: string | null;
  issuedOn: string;
  total: string;
  status: InvoiceStatus;
}

/** The contract's document of that number; another contract's or none: the same 404. */
function byNumber(rows: StoredInvoice[], contract: string, number: string): StoredInvoice {
  const row = rows.find((candidate) => candidate.invoiceNumber === number);
  if (row === undefined) throw notInvoiceOf(contract, number);
  return row;
}

function notInvoiceOf(contract: string, number: string): HttpError {
  return new HttpError(
    404,
    `no invoice ${number} of contract ${contract}`,
    `請求書番号 ${number} の請求情報は見つかりません。`,
  );
}

function withStatementIn(shown: ShownMonths, contract: string, month: string): void {
  inWindow(shown, month);
  if (!shown.withStatement.includes(month)) throw noFigures(shown, contract, month);
}

function noFigures(shown: ShownMonths, contract: string, month: string): HttpError {
  const known =
    shown.withStatement.length === 0
      ? 'none of the months shown has one'
      : `months shown with one: ${shown.withStatement.join(', ')}`;
  return new HttpError(
    404,
    `no statement: contract ${contract} has no calls in ${month} (${known})`,
    `${formatStatementMonth(month)}のご利用明細はありません。`,
  );
}

/** A browser asking for a page that is not an API route: it gets the Japanese page, anything else JSON. */
function wantsPage(request: FastifyRequest): boolean {
  const accept = request.headers.accept;
  return typeof accept === 'string' && accept.includes('text/html') && !(request.raw.url ?? '').startsWith('/api/');
}

/** The path without its query string (never a token); an undecodable one as sent, it is only logged. */
function pathOf(url: string | undefined): string | null {
  return url === undefined ? null : url.split('?')[0]!;
}

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  408: 'Request Timeout',
  431: 'Request Header Fields Too Large',
};

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
  if (error instanceof StoreConfigurationError || error instanceof StoreFailedError)
    return [503, 'the store is not available; try again later'];
  if (error instanceof ConfigurationError) return [400, error.message];
  if (error instanceof RunFailedError) return [404, error.message];
  if (error instanceof MeisaiError) return [500, 'internal error'];
  if (typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500)
    return [error.statusCode, error.message];
  return [500, 'internal error'];
}
