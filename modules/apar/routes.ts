import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireAuth, requireTenant } from '../core/auth-context';
import { cursorOffset, page } from '../core/pagination';
import { AparErrors } from './errors';
import {
  AgingExportQuery,
  AgingQuery,
  AgingReport,
  AllocateBody,
  ApprovalDecisionBody,
  ActivityBody,
  BillApprovalState,
  CollectionsList,
  CollectionsQuery,
  ContactBody,
  DocumentBody,
  DocumentDetail,
  DocumentExportQuery,
  DocumentList,
  DocumentPatchBody,
  ItemParams,
  ListQuery,
  SORT_FIELDS,
  parseSort,
  sortParam,
  Party,
  PartyBody,
  PartyList,
  Payment,
  PaymentBody,
  PaymentList,
  SavedView,
  SavedViewBody,
  SavedViewList,
  SavedViewParams,
  SavedViewQuery,
  Settings,
  Statement,
  StatementQuery,
  TenantParams,
  Timeline,
  WriteOffBody,
  type DocumentKind,
  type PartyKind,
  type PaymentKind,
} from './schema';
import type { AparService, Caller } from './service';
import type { ExportFile } from './service/exports';

const READ = { permission: 'apar.read' };
const WRITE = { permission: 'apar.write' };
const WRITE_OFF = { permission: 'apar.writeoff' };
const SETTINGS = { permission: 'apar.settings' };
const tags = ['apar'];

/** The caller, after checking `{tid}` is the session's tenant (another tenant is simply not found). */
function caller(request: FastifyRequest, tid: string): Caller {
  const tenantId = requireTenant(request);
  const auth = requireAuth(request);
  if (tenantId !== tid.toLowerCase()) throw AparErrors.tenantNotFound(tid);
  return {
    tenantId,
    actor: auth.actor,
    actorId: auth.userId,
    roles: auth.roles,
    requestId: String(request.id),
    ip: request.ip,
  };
}

type Req = FastifyRequest & { params: { tid: string; id?: number | string }; query: unknown; body: unknown };
type Schema = { params?: z.ZodType; querystring?: z.ZodType; body?: z.ZodType; response?: z.ZodType };

/**
 * One route of the API: permission, zod schemas, and a handler that gets the caller and the
 * parsed request and returns the body (`status` for the success code). The one shape every
 * per-kind route below is built from.
 */
function route(
  app: FastifyInstance,
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
  url: string,
  perm: { permission: string },
  schema: Schema,
  handler: (c: Caller, req: Req, reply: FastifyReply) => Promise<unknown>,
  status = 200,
) {
  const response = schema.response ? { [status]: schema.response } : undefined;
  app.withTypeProvider<ZodTypeProvider>().route({
    method,
    url,
    config: perm,
    schema: {
      tags,
      params: schema.params ?? TenantParams,
      ...(schema.querystring ? { querystring: schema.querystring } : {}),
      ...(schema.body ? { body: schema.body } : {}),
      ...(response ? { response } : {}),
    },
    handler: async (req, reply) => {
      const r = req as unknown as Req;
      const out = await handler(caller(req, r.params.tid), r, reply);
      return reply.code(status).send(out);
    },
  });
}

/** A file answer (CSV, XLSX, PDF) with its download name. */
const download = (reply: FastifyReply, f: ExportFile) =>
  reply
    .header('content-type', f.contentType)
    .header('content-disposition', `attachment; filename="${f.filename}"`);

const PARTIES: Array<[PartyKind, string]> = [
  ['customer', 'customers'],
  ['vendor', 'vendors'],
];
const DOCUMENTS: Array<[DocumentKind, string]> = [
  ['invoice', 'invoices'],
  ['bill', 'bills'],
  ['credit_note', 'credit-notes'],
  ['vendor_credit', 'vendor-credits'],
];
const PAYMENTS: Array<[PaymentKind, string]> = [
  ['received', 'payments-received'],
  ['made', 'bill-payments'],
];
const AllocateWithDate = AllocateBody.extend({ date: z.iso.date().optional() });
const id = (r: Req) => Number(r.params.id);
// `sort=-dueDate,number`: allow-listed fields per list, id breaks ties; an unknown field is a 400 on querystring.sort.
const DocumentListQuery = ListQuery.extend({ sort: sortParam(SORT_FIELDS.documents) });
const PartyListQuery = ListQuery.extend({ sort: sortParam(SORT_FIELDS.parties) });
const PaymentListQuery = ListQuery.extend({ sort: sortParam(SORT_FIELDS.payments) });

/** Routes of the AP/AR API under /api/v1/tenants/{tid}/apar. Thin: parse (zod), call the service, answer. */
export async function aparRoutes(
  app: FastifyInstance,
  { service: s }: { service: AparService },
): Promise<void> {
  const base = '/tenants/:tid/apar';
  const q = <T>(r: Req) => r.query as T;
  const b = <T>(r: Req) => r.body as T;
  const listPage = async <T>(
    r: Req,
    fn: (offset: number, limit: number) => Promise<{ rows: T[]; total: number }>,
  ) => {
    const { cursor, limit } = q<{ cursor?: string; limit: number }>(r);
    const offset = cursorOffset(cursor);
    const got = await fn(offset, limit);
    return page(got.rows, got.total, offset, limit);
  };

  for (const [kind, path] of PARTIES) {
    const at = `${base}/${path}`;
    route(app, 'GET', at, READ, { querystring: PartyListQuery, response: PartyList }, (c, r) =>
      listPage(r, (o, l) => s.listParties(c, kind, o, l, parseSort(q<{ sort?: string }>(r).sort))),
    );
    route(
      app,
      'POST',
      at,
      WRITE,
      { body: PartyBody, response: Party },
      (c, r) => s.createParty(c, kind, b(r)),
      201,
    );
    route(app, 'GET', `${at}/:id`, READ, { params: ItemParams, response: Party }, (c, r) =>
      s.getParty(c, kind, id(r)),
    );
    route(
      app,
      'POST',
      `${at}/:id/contacts`,
      WRITE,
      { params: ItemParams, body: ContactBody, response: Party },
      (c, r) => s.addContact(c, kind, id(r), b(r)),
      201,
    );
    route(
      app,
      'GET',
      `${at}/:id/statement`,
      READ,
      { params: ItemParams, querystring: StatementQuery, response: Statement },
      (c, r) => s.statement(c, kind, id(r), q<{ from: string }>(r).from, q<{ to: string }>(r).to),
    );
    route(
      app,
      'GET',
      `${at}/:id/statement.pdf`,
      READ,
      { params: ItemParams, querystring: StatementQuery },
      async (c, r, reply) => {
        const f = await s.statementPdf(c, kind, id(r), q<{ from: string }>(r).from, q<{ to: string }>(r).to);
        download(reply, f);
        return f.body;
      },
    );
    route(
      app,
      'GET',
      `${at}/:id/timeline`,
      READ,
      { params: ItemParams, response: Timeline },
      async (c, r) => ({
        data: await s.partyTimeline(c, kind, id(r)),
      }),
    );
    route(
      app,
      'POST',
      `${at}/:id/activities`,
      WRITE,
      { params: ItemParams, body: ActivityBody, response: Timeline },
      async (c, r) => ({
        data: await s.recordActivity(c, kind, id(r), b(r)),
      }),
      201,
    );
  }

  for (const [kind, path] of DOCUMENTS) {
    const at = `${base}/${path}`;
    route(app, 'GET', at, READ, { querystring: DocumentListQuery, response: DocumentList }, (c, r) => {
      const { partyId, status, sort } = q<{ partyId?: number; status?: 'open' | 'partial' | 'paid'; sort?: string }>(r);
      return listPage(r, (o, l) => s.listDocuments(c, kind, { partyId, status }, o, l, parseSort(sort)));
    });
    route(
      app,
      'POST',
      at,
      WRITE,
      { body: DocumentBody, response: DocumentDetail },
      (c, r) => s.createDocument(c, kind, b(r)),
      201,
    );
    route(app, 'GET', `${at}/export`, READ, { querystring: DocumentExportQuery }, async (c, r, reply) => {
      const f = await s.exportDocuments(c, kind, q(r));
      download(reply, f);
      return f.body;
    });
    route(app, 'GET', `${at}/:id`, READ, { params: ItemParams, response: DocumentDetail }, (c, r) =>
      s.getDocument(c, kind, id(r)),
    );
    route(
      app,
      'PATCH',
      `${at}/:id`,
      WRITE,
      { params: ItemParams, body: DocumentPatchBody, response: DocumentDetail },
      (c, r) => s.editDocument(c, kind, id(r), b(r)),
    );
    route(
      app,
      'GET',
      `${at}/:id/timeline`,
      READ,
      { params: ItemParams, response: Timeline },
      async (c, r) => ({
        data: await s.documentTimeline(c, kind, id(r)),
      }),
    );
  }
  for (const [kind, path] of [
    ['credit_note', 'credit-notes'],
    ['vendor_credit', 'vendor-credits'],
  ] as const)
    route(
      app,
      'POST',
      `${base}/${path}/:id/applications`,
      WRITE,
      { params: ItemParams, body: AllocateWithDate, response: DocumentDetail },
      (c, r) => {
        const body = b<z.infer<typeof AllocateWithDate>>(r);
        return s.applyCredit(c, kind, id(r), body.allocations, body.date);
      },
    );

  route(
    app,
    'POST',
    `${base}/invoices/:id/send`,
    WRITE,
    { params: ItemParams, response: DocumentDetail },
    (c, r) => s.sendInvoice(c, id(r)),
  );

  const bill = `${base}/bills/:id/approval`;
  route(app, 'GET', bill, READ, { params: ItemParams, response: BillApprovalState }, (c, r) =>
    s.getBillApproval(c, id(r)),
  );
  route(
    app,
    'POST',
    bill,
    WRITE,
    { params: ItemParams, response: BillApprovalState },
    (c, r) => s.submitBill(c, id(r)),
    201,
  );
  route(
    app,
    'POST',
    `${bill}/decisions`,
    { permission: 'approvals.decide' },
    { params: ItemParams, body: ApprovalDecisionBody, response: BillApprovalState },
    (c, r) => s.decideBill(c, id(r), b(r)),
    201,
  );

  for (const [kind, path] of PAYMENTS) {
    const at = `${base}/${path}`;
    route(app, 'GET', at, READ, { querystring: PaymentListQuery, response: PaymentList }, (c, r) =>
      listPage(r, (o, l) =>
        s.listPayments(c, kind, q<{ partyId?: number }>(r).partyId, o, l, parseSort(q<{ sort?: string }>(r).sort)),
      ),
    );
    route(
      app,
      'POST',
      at,
      WRITE,
      { body: PaymentBody, response: Payment },
      (c, r) => s.recordPayment(c, kind, b(r)),
      201,
    );
    route(app, 'GET', `${at}/:id`, READ, { params: ItemParams, response: Payment }, (c, r) =>
      s.getPayment(c, kind, id(r)),
    );
    route(
      app,
      'POST',
      `${at}/:id/allocations`,
      WRITE,
      { params: ItemParams, body: AllocateWithDate, response: Payment },
      (c, r) => {
        const body = b<z.infer<typeof AllocateWithDate>>(r);
        return s.allocatePayment(c, kind, id(r), body.allocations, body.date);
      },
    );
  }

  route(
    app,
    'POST',
    `${base}/write-offs`,
    WRITE_OFF,
    { body: WriteOffBody, response: DocumentDetail },
    (c, r) => s.writeOff(c, b(r)),
    201,
  );
  route(app, 'GET', `${base}/aging`, READ, { querystring: AgingQuery, response: AgingReport }, (c, r) =>
    s.aging(c, q(r)),
  );
  route(app, 'GET', `${base}/aging/export`, READ, { querystring: AgingExportQuery }, async (c, r, reply) => {
    const f = await s.exportAging(c, q(r));
    download(reply, f);
    return f.body;
  });
  route(
    app,
    'GET',
    `${base}/collections`,
    READ,
    { querystring: CollectionsQuery, response: CollectionsList },
    (c, r) => listPage(r, (o, l) => s.collections(c, q<{ asOf?: string }>(r).asOf, o, l)),
  );
  route(app, 'GET', `${base}/settings`, READ, { response: Settings }, (c) => s.getSettings(c));
  route(app, 'PUT', `${base}/settings`, SETTINGS, { body: Settings, response: Settings }, (c, r) =>
    s.saveSettings(c, b(r)),
  );

  const views = `${base}/saved-views`;
  route(app, 'GET', views, READ, { querystring: SavedViewQuery, response: SavedViewList }, async (c, r) => ({
    data: await s.listSavedViews(c, q<{ list?: string }>(r).list),
  }));
  route(
    app,
    'POST',
    views,
    READ,
    { body: SavedViewBody, response: SavedView },
    (c, r) => s.createSavedView(c, b(r)),
    201,
  );
  route(
    app,
    'PUT',
    `${views}/:id`,
    READ,
    { params: SavedViewParams, body: SavedViewBody, response: SavedView },
    (c, r) => s.updateSavedView(c, String(r.params.id), b(r)),
  );
  route(
    app,
    'DELETE',
    `${views}/:id`,
    READ,
    { params: SavedViewParams },
    async (c, r) => {
      await s.deleteSavedView(c, String(r.params.id));
      return null;
    },
    204,
  );
}
