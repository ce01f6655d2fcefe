import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireAuth, requireTenant } from '../core/auth-context';
import { cursorOffset, page } from '../core/pagination';
import { AparErrors } from './errors';
import {
  AgingQuery,
  AgingReport,
  AllocateBody,
  ContactBody,
  DocumentBody,
  DocumentDetail,
  DocumentList,
  ItemParams,
  ListQuery,
  Party,
  PartyBody,
  PartyList,
  Payment,
  PaymentBody,
  PaymentList,
  Settings,
  Statement,
  StatementQuery,
  TenantParams,
  WriteOffBody,
  type DocumentKind,
  type PartyKind,
  type PaymentKind,
} from './schema';
import type { AparService, Caller } from './service';

const READ = { permission: 'apar.read' };
const WRITE = { permission: 'apar.write' };
const WRITE_OFF = { permission: 'apar.writeoff' };
const SETTINGS = { permission: 'apar.settings' };

/** The caller, after checking `{tid}` is the session's tenant (another tenant is simply not found). */
function caller(request: FastifyRequest, tid: string): Caller {
  const tenantId = requireTenant(request);
  const auth = requireAuth(request);
  if (tenantId !== tid.toLowerCase()) throw AparErrors.tenantNotFound(tid);
  return { tenantId, actor: auth.actor, actorId: auth.userId, requestId: String(request.id), ip: request.ip };
}

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

/** Routes of the AP/AR API under /api/v1/tenants/{tid}/apar. Thin: parse (zod), call the service, answer. */
export async function aparRoutes(
  appRaw: FastifyInstance,
  { service }: { service: AparService },
): Promise<void> {
  const app = appRaw.withTypeProvider<ZodTypeProvider>();
  const tags = ['apar'];
  const base = '/tenants/:tid/apar';

  for (const [kind, path] of PARTIES) {
    app.get(
      `${base}/${path}`,
      {
        config: READ,
        schema: { tags, params: TenantParams, querystring: ListQuery, response: { 200: PartyList } },
      },
      async (req) => {
        const offset = cursorOffset(req.query.cursor);
        const got = await service.listParties(caller(req, req.params.tid), kind, offset, req.query.limit);
        return page(got.rows, got.total, offset, req.query.limit);
      },
    );
    app.post(
      `${base}/${path}`,
      { config: WRITE, schema: { tags, params: TenantParams, body: PartyBody, response: { 201: Party } } },
      async (req, reply) =>
        reply.code(201).send(await service.createParty(caller(req, req.params.tid), kind, req.body)),
    );
    app.get(
      `${base}/${path}/:id`,
      { config: READ, schema: { tags, params: ItemParams, response: { 200: Party } } },
      (req) => service.getParty(caller(req, req.params.tid), kind, req.params.id),
    );
    app.post(
      `${base}/${path}/:id/contacts`,
      { config: WRITE, schema: { tags, params: ItemParams, body: ContactBody, response: { 201: Party } } },
      async (req, reply) =>
        reply
          .code(201)
          .send(await service.addContact(caller(req, req.params.tid), kind, req.params.id, req.body)),
    );
    app.get(
      `${base}/${path}/:id/statement`,
      {
        config: READ,
        schema: { tags, params: ItemParams, querystring: StatementQuery, response: { 200: Statement } },
      },
      (req) =>
        service.statement(caller(req, req.params.tid), kind, req.params.id, req.query.from, req.query.to),
    );
  }

  for (const [kind, path] of DOCUMENTS) {
    app.get(
      `${base}/${path}`,
      {
        config: READ,
        schema: { tags, params: TenantParams, querystring: ListQuery, response: { 200: DocumentList } },
      },
      async (req) => {
        const offset = cursorOffset(req.query.cursor);
        const { partyId, status } = req.query;
        const got = await service.listDocuments(
          caller(req, req.params.tid),
          kind,
          { partyId, status },
          offset,
          req.query.limit,
        );
        return page(got.rows, got.total, offset, req.query.limit);
      },
    );
    app.post(
      `${base}/${path}`,
      {
        config: WRITE,
        schema: { tags, params: TenantParams, body: DocumentBody, response: { 201: DocumentDetail } },
      },
      async (req, reply) =>
        reply.code(201).send(await service.createDocument(caller(req, req.params.tid), kind, req.body)),
    );
    app.get(
      `${base}/${path}/:id`,
      { config: READ, schema: { tags, params: ItemParams, response: { 200: DocumentDetail } } },
      (req) => service.getDocument(caller(req, req.params.tid), kind, req.params.id),
    );
  }
  for (const [kind, path] of [
    ['credit_note', 'credit-notes'],
    ['vendor_credit', 'vendor-credits'],
  ] as const)
    app.post(
      `${base}/${path}/:id/applications`,
      {
        config: WRITE,
        schema: { tags, params: ItemParams, body: AllocateWithDate, response: { 200: DocumentDetail } },
      },
      (req) =>
        service.applyCredit(
          caller(req, req.params.tid),
          kind,
          req.params.id,
          req.body.allocations,
          req.body.date,
        ),
    );

  for (const [kind, path] of PAYMENTS) {
    app.get(
      `${base}/${path}`,
      {
        config: READ,
        schema: { tags, params: TenantParams, querystring: ListQuery, response: { 200: PaymentList } },
      },
      async (req) => {
        const offset = cursorOffset(req.query.cursor);
        const got = await service.listPayments(
          caller(req, req.params.tid),
          kind,
          req.query.partyId,
          offset,
          req.query.limit,
        );
        return page(got.rows, got.total, offset, req.query.limit);
      },
    );
    app.post(
      `${base}/${path}`,
      {
        config: WRITE,
        schema: { tags, params: TenantParams, body: PaymentBody, response: { 201: Payment } },
      },
      async (req, reply) =>
        reply.code(201).send(await service.recordPayment(caller(req, req.params.tid), kind, req.body)),
    );
    app.get(
      `${base}/${path}/:id`,
      { config: READ, schema: { tags, params: ItemParams, response: { 200: Payment } } },
      (req) => service.getPayment(caller(req, req.params.tid), kind, req.params.id),
    );
    app.post(
      `${base}/${path}/:id/allocations`,
      {
        config: WRITE,
        schema: { tags, params: ItemParams, body: AllocateWithDate, response: { 200: Payment } },
      },
      (req) =>
        service.allocatePayment(
          caller(req, req.params.tid),
          kind,
          req.params.id,
          req.body.allocations,
          req.body.date,
        ),
    );
  }

  app.post(
    `${base}/write-offs`,
    {
      config: WRITE_OFF,
      schema: { tags, params: TenantParams, body: WriteOffBody, response: { 201: DocumentDetail } },
    },
    async (req, reply) => reply.code(201).send(await service.writeOff(caller(req, req.params.tid), req.body)),
  );
  app.get(
    `${base}/aging`,
    {
      config: READ,
      schema: { tags, params: TenantParams, querystring: AgingQuery, response: { 200: AgingReport } },
    },
    (req) => service.aging(caller(req, req.params.tid), req.query),
  );
  app.get(
    `${base}/settings`,
    { config: READ, schema: { tags, params: TenantParams, response: { 200: Settings } } },
    (req) => service.getSettings(caller(req, req.params.tid)),
  );
  app.put(
    `${base}/settings`,
    { config: SETTINGS, schema: { tags, params: TenantParams, body: Settings, response: { 200: Settings } } },
    (req) => service.saveSettings(caller(req, req.params.tid), req.body),
  );
}
