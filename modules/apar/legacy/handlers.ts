import { ZodError } from 'zod';
import { canonicalDecimal } from '../../core/decimal';
import type { LegacyRouteHandler, ModuleContext, ModuleRequest, ModuleResponse } from '../../core/module';
import { createAparService, type AparService, type Caller, type Imposed } from '../service';
import type { DocumentKind, PartyKind } from '../schema';
import { bucketLabels } from '../service/reports';
import {
  boundedInt,
  date,
  int,
  list,
  model,
  parseExactJson,
  positiveDecimal,
  str,
  type Check,
  type PydanticError,
} from './pydantic';
import {
  legacyDocument,
  legacyError,
  legacyInvoiceDetail,
  legacyParty,
  legacyPayment,
  ok,
  unprocessable,
} from './shapes';

/**
 * Legacy's 16 AP/AR routes answered by the apar domain in LEGACY_TENANT: legacy's URLs, shapes,
 * status codes, 422 `{"detail"}` errors and limit/offset pages. Thin: validate like legacy, call
 * the service, reshape. In shadow with write policy `dual-write`, a create takes the id, number
 * and timestamp legacy gave (and a payment legacy's allocations), so both sides hold the same rows.
 */

const MAX_LIMIT = 1000;
const LEGACY_BUCKETS = [30, 60, 90];
const CURRENCY = '^[A-Z]{3}$';

function use(req: ModuleRequest, ctx: ModuleContext): { service: AparService; caller: Caller } {
  return {
    service: createAparService({ db: ctx.db, log: ctx.log }),
    caller: { tenantId: ctx.config.LEGACY_TENANT, actor: 'legacy-api', requestId: req.requestId },
  };
}

const last = (v: string | string[] | undefined) => (Array.isArray(v) ? v[v.length - 1] : v);

/** Validate query parameters in order; undefined ones are skipped. */
function query(
  req: ModuleRequest,
  checks: Array<[string, Check, unknown?]>,
  where: 'query' | 'path' = 'query',
): { values: Record<string, unknown> } | { error: ModuleResponse } {
  const errors: PydanticError[] = [];
  const values: Record<string, unknown> = {};
  const source = where === 'query' ? req.query : req.params;
  for (const [name, check, dflt] of checks) {
    const raw = last(source[name]);
    values[name] = raw === undefined ? dflt : check(raw, [where, name], errors);
  }
  return errors.length ? { error: unprocessable(errors) } : { values };
}

const page = (req: ModuleRequest) =>
  query(req, [
    ['limit', boundedInt(1, MAX_LIMIT), 50],
    ['offset', boundedInt(0), 0],
  ]);
const pathId = (req: ModuleRequest) => query(req, [['id', int]], 'path');

/** The JSON body through a pydantic-like model; `root` runs only when every field passed (skip_on_failure). */
function body(
  req: ModuleRequest,
  check: Check,
  root?: (v: Record<string, unknown>) => PydanticError | undefined,
): { value: Record<string, unknown> } | { error: ModuleResponse } {
  const text = req.body?.toString('utf8') ?? '';
  if (!text.trim())
    return { error: unprocessable([{ loc: ['body'], msg: 'field required', type: 'value_error.missing' }]) };
  let parsed: unknown;
  try {
    parsed = parseExactJson(text);
  } catch (err) {
    return {
      error: unprocessable([
        {
          loc: ['body', 0],
          msg: `Expecting value: ${(err as Error).message}`,
          type: 'value_error.jsondecode',
        },
      ]),
    };
  }
  const errors: PydanticError[] = [];
  const value = check(parsed, ['body'], errors) as Record<string, unknown>;
  if (errors.length) return { error: unprocessable(errors) };
  const rootError = root?.(value);
  return rootError ? { error: unprocessable([rootError]) } : { value };
}

/** What legacy answered to this very request (dual-write), to impose its id, number and timestamp. */
function imposed(req: ModuleRequest): Imposed & { legacy?: Record<string, unknown> } {
  const b =
    req.legacyResponse?.status === 201
      ? (req.legacyResponse.body as Record<string, unknown> | undefined)
      : undefined;
  if (!b || typeof b.id !== 'number') return {};
  return {
    id: b.id,
    createdAt: typeof b.created_at === 'string' ? b.created_at : undefined,
    number: typeof b.number === 'string' ? b.number : undefined,
    legacy: b,
  };
}

async function guard(label: string, fn: () => Promise<ModuleResponse>): Promise<ModuleResponse> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof ZodError)
      return unprocessable(
        err.issues.map((i) => ({ loc: ['body', 'amount'], msg: i.message, type: 'value_error' })),
      );
    return legacyError(err, label);
  }
}

// ---- customers and vendors

const PartyIn = model([
  { name: 'name', check: str({ strip: true, min: 1, max: 200 }), required: true },
  { name: 'email', check: str({ regex: '^[^@\\s]+@[^@\\s]+$', max: 200 }), nullable: true },
]);

function partyRoutes(kind: PartyKind, label: string): Record<string, LegacyRouteHandler> {
  const path = `/api/v1/${kind}s`;
  return {
    [`POST ${path}`]: async (req, ctx) => {
      const b = body(req, PartyIn);
      if ('error' in b) return b.error;
      const { service, caller } = use(req, ctx);
      return guard(label, async () =>
        ok(
          legacyParty(
            await service.createParty(
              caller,
              kind,
              { name: b.value.name as string, email: b.value.email as string | null },
              imposed(req),
            ),
          ),
          201,
        ),
      );
    },
    [`GET ${path}`]: async (req, ctx) => {
      const p = page(req);
      if ('error' in p) return p.error;
      const { limit, offset } = p.values as { limit: number; offset: number };
      const { service, caller } = use(req, ctx);
      const got = await service.listPartySummaries(caller, kind, offset, limit);
      return ok({ items: got.rows.map(legacyParty), total: got.total, limit, offset });
    },
    [`GET ${path}/{id}`]: async (req, ctx) => {
      const id = pathId(req);
      if ('error' in id) return id.error;
      const { service, caller } = use(req, ctx);
      return guard(label, async () =>
        ok(legacyParty(await service.getParty(caller, kind, id.values.id as number))),
      );
    },
  };
}

// ---- invoices and bills

const documentFields = (partyField: string, extra: Parameters<typeof model>[0] = []) =>
  model([
    { name: 'number', check: str({ min: 1, max: 50 }), nullable: true },
    { name: 'project_id', check: int, nullable: true },
    { name: 'issue_date', check: date, required: true },
    { name: 'due_date', check: date, required: true },
    { name: 'amount', check: positiveDecimal, required: true },
    { name: 'currency', check: str({ regex: CURRENCY }), default: 'USD' },
    { name: 'description', check: str({ max: 500 }), nullable: true },
    { name: partyField, check: int, required: true },
    ...extra,
  ]);
const dueAfterIssue = (v: Record<string, unknown>): PydanticError | undefined =>
  (v.due_date as string) < (v.issue_date as string)
    ? { loc: ['body', '__root__'], msg: 'due_date must not be before issue_date', type: 'value_error' }
    : undefined;
const STATUS = '^(open|partial|paid)$';

function documentRoutes(kind: Extract<DocumentKind, 'invoice' | 'bill'>): Record<string, LegacyRouteHandler> {
  const [label, partyField, partyLabel, path] =
    kind === 'invoice'
      ? ['Invoice', 'customer_id', 'Customer', '/api/v1/invoices']
      : ['Bill', 'vendor_id', 'Vendor', '/api/v1/bills'];
  const In = documentFields(
    partyField,
    kind === 'bill' ? [{ name: 'category', check: str({ min: 1, max: 50 }), default: 'general' }] : [],
  );
  return {
    [`GET ${path}`]: async (req, ctx) => {
      const q = query(req, [
        ['limit', boundedInt(1, MAX_LIMIT), 50],
        ['offset', boundedInt(0), 0],
        [partyField, int],
        ['project_id', int],
        ['status', str({ regex: STATUS })],
      ]);
      if ('error' in q) return q.error;
      const v = q.values as {
        limit: number;
        offset: number;
        project_id?: number;
        status?: 'open' | 'partial' | 'paid';
      } & Record<string, unknown>;
      const { service, caller } = use(req, ctx);
      const got = await service.listDocuments(
        caller,
        kind,
        { partyId: v[partyField] as number | undefined, projectId: v.project_id, status: v.status },
        v.offset,
        v.limit,
      );
      return ok({ items: got.rows.map(legacyDocument), total: got.total, limit: v.limit, offset: v.offset });
    },
    [`POST ${path}`]: async (req, ctx) => {
      const b = body(req, In, dueAfterIssue);
      if ('error' in b) return b.error;
      const v = b.value;
      const { service, caller } = use(req, ctx);
      const input = {
        partyId: v[partyField] as number,
        number: (v.number as string | null) ?? undefined,
        projectId: v.project_id as number | null,
        issueDate: v.issue_date as string,
        dueDate: v.due_date as string,
        currency: v.currency as string,
        description: v.description as string | null,
        category: kind === 'bill' ? (v.category as string) : null,
        lines: [{ quantity: '1', unitPrice: v.amount as string }],
      };
      return guard(partyLabel, async () =>
        ok(legacyDocument(await service.createDocument(caller, kind, input, { ...imposed(req), legacyApi: true })), 201),
      );
    },
    [`GET ${path}/{id}`]: async (req, ctx) => {
      const id = pathId(req);
      if ('error' in id) return id.error;
      const { service, caller } = use(req, ctx);
      return guard(label, async () => {
        const doc = await service.getDocument(caller, kind, id.values.id as number);
        return ok(kind === 'invoice' ? legacyInvoiceDetail(doc) : legacyDocument(doc));
      });
    },
  };
}

// ---- payments

const PaymentIn = model([
  { name: 'customer_id', check: int, required: true },
  { name: 'amount', check: positiveDecimal, required: true },
  { name: 'date', check: date, required: true },
  { name: 'method', check: str({ min: 1, max: 50 }), default: 'bank_transfer' },
  { name: 'reference', check: str({ max: 100 }), nullable: true },
  {
    name: 'allocations',
    check: list(
      model([
        { name: 'invoice_id', check: int, required: true },
        { name: 'amount', check: positiveDecimal, required: true },
      ]),
      1,
      100,
    ),
    nullable: true,
  },
]);

const paymentRoutes: Record<string, LegacyRouteHandler> = {
  'POST /api/v1/payments': async (req, ctx) => {
    const b = body(req, PaymentIn);
    if ('error' in b) return b.error;
    const v = b.value;
    const given = imposed(req);
    // Dual-write: apply exactly what legacy applied (its oldest-due-first choice included).
    const legacyAllocs = given.legacy?.allocations as
      Array<{ invoice_id: number; amount: string }> | undefined;
    const allocs =
      legacyAllocs ?? (v.allocations as Array<{ invoice_id: number; amount: string }> | null) ?? undefined;
    const { service, caller } = use(req, ctx);
    const input = {
      partyId: v.customer_id as number,
      amount: v.amount as string,
      date: v.date as string,
      method: v.method as string,
      reference: v.reference as string | null,
      allocations: allocs?.map((a) => ({ documentId: a.invoice_id, amount: a.amount })),
    };
    return guard('Customer', async () =>
      ok(
        legacyPayment(
          await service.recordPayment(caller, 'received', input, { ...given, checkCurrency: false }),
        ),
        201,
      ),
    );
  },
  'GET /api/v1/payments': async (req, ctx) => {
    const q = query(req, [
      ['limit', boundedInt(1, MAX_LIMIT), 50],
      ['offset', boundedInt(0), 0],
      ['customer_id', int],
    ]);
    if ('error' in q) return q.error;
    const v = q.values as { limit: number; offset: number; customer_id?: number };
    const { service, caller } = use(req, ctx);
    const got = await service.listPayments(caller, 'received', v.customer_id, v.offset, v.limit);
    return ok({ items: got.rows.map(legacyPayment), total: got.total, limit: v.limit, offset: v.offset });
  },
  'GET /api/v1/payments/{id}': async (req, ctx) => {
    const id = pathId(req);
    if ('error' in id) return id.error;
    const { service, caller } = use(req, ctx);
    return guard('Payment', async () =>
      ok(legacyPayment(await service.getPayment(caller, 'received', id.values.id as number))),
    );
  },
};

// ---- aging

async function agingReport(req: ModuleRequest, ctx: ModuleContext): Promise<ModuleResponse> {
  const q = query(req, [['as_of', date]]);
  if ('error' in q) return q.error;
  const asOf = (q.values.as_of as string | undefined) ?? new Date().toISOString().slice(0, 10);
  const { service, caller } = use(req, ctx);
  const labels = bucketLabels(LEGACY_BUCKETS);
  const section = async (side: 'AR' | 'AP') => {
    const f = await service.agingFold(caller, side, asOf, LEGACY_BUCKETS);
    const wire = (cells: typeof f.buckets) =>
      cells.map((c, i) => ({ bucket: labels[i]!, amount: canonicalDecimal(c.amount), count: c.count }));
    return {
      total: canonicalDecimal(f.total),
      count: f.count,
      buckets: wire(f.buckets),
      parties: f.parties.map((p) => ({
        id: p.id,
        name: p.name,
        total: canonicalDecimal(p.total),
        buckets: wire(p.buckets),
      })),
    };
  };
  return ok({ as_of: asOf, receivables: await section('AR'), payables: await section('AP') });
}

export const legacyAparRoutes: Record<string, LegacyRouteHandler> = {
  ...partyRoutes('customer', 'Customer'),
  ...partyRoutes('vendor', 'Vendor'),
  ...documentRoutes('invoice'),
  ...documentRoutes('bill'),
  ...paymentRoutes,
  'GET /api/v1/reports/aging': agingReport,
};
