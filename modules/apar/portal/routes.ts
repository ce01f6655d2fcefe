import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { requireAuth, requireTenant } from '../../core/auth-context';
import { cursorOffset, page } from '../../core/pagination';
import type { Config } from '../../core/config';
import { PortalErrors } from './errors';
import { AparErrors } from '../errors';
import {
  DocumentDetail,
  DocumentList,
  LinkRequestBody,
  LinkRequested,
  Payment,
  PaymentList,
  PortalItemParams,
  PortalListQuery,
  PortalParams,
  PortalProfile,
  PortalSession,
  PortalStatementQuery,
  SignInBody,
  Statement,
} from './schema';
import type { PortalCaller, PortalService } from './service';

/** Every portal route: only portal tokens (ADR 0027; the guard in gateway/plugins/auth.ts). */
const PORTAL = { portal: 'customer' as const };
const OPEN = { portal: 'customer' as const, public: true };
const WINDOW_MS = 15 * 60 * 1000;
const LINK_ANSWER = {
  accepted: true as const,
  message:
    'If this address belongs to a customer contact, a sign-in link is on its way. It works once, within 15 minutes.',
};

/** The signed-in contact (portal token): tenant and customer come from the token, never the request. */
function portalCaller(request: FastifyRequest): PortalCaller {
  const auth = requireAuth(request);
  return {
    tenantId: auth.tenantId!,
    customerId: auth.customerId!,
    email: auth.actor.replace(/^portal:/, ''),
    requestId: String(request.id),
    ip: request.ip,
  };
}

/**
 * The client portal API under /api/v1/portal/{slug}: magic-link sign-in (public, rate-limited per
 * address and per IP with the gateway's limiter) and the signed-in customer's own documents,
 * payments and statement. Thin: parse (zod), call the service, answer.
 */
export async function portalRoutes(
  appRaw: FastifyInstance,
  { service, config }: { service: PortalService; config: Config },
): Promise<void> {
  const app = appRaw.withTypeProvider<ZodTypeProvider>();
  const tags = ['portal'];
  const base = '/portal/:slug';
  // Two budgets on the one Redis-backed limiter (@fastify/rate-limit, registered by the auth
  // plugin): per client IP, and per address within an organisation (hashed: no address in Redis).
  const perIp = app.createRateLimit({
    max: config.PORTAL_LINKS_PER_IP,
    timeWindow: WINDOW_MS,
    keyGenerator: (req) => `portal-link:ip:${req.ip}`,
  });
  const perAddress = app.createRateLimit({
    max: config.PORTAL_LINKS_PER_ADDRESS,
    timeWindow: WINDOW_MS,
    keyGenerator: (req) => {
      const { slug } = req.params as { slug: string };
      const { email } = req.body as { email: string };
      return `portal-link:addr:${createHash('sha256').update(`${slug}\n${email.toLowerCase()}`).digest('hex')}`;
    },
  });

  // A signed-in portal request whose customer's access was revoked after its sign-in: 401 (ADR 0032).
  app.addHook('preHandler', async (req) => {
    const auth = req.auth;
    if (auth?.portal !== 'customer' || !auth.tenantId || auth.customerId === undefined) return;
    if (await service.isTokenRevoked({ tenantId: auth.tenantId, customerId: auth.customerId, linkId: auth.portalLinkId })) {
      throw PortalErrors.revoked();
    }
  });

  // Staff: end a customer's portal sessions and outstanding sign-in links now.
  app.post(
    '/tenants/:tid/apar/customers/:id/portal-revocation',
    {
      config: { permission: 'apar.write' },
      schema: {
        tags: ['apar'],
        summary: 'Revoke portal access: every portal session and sign-in link of the customer stops working now',
        params: z.object({ tid: z.uuid(), id: z.coerce.number().int().positive() }),
        response: { 201: z.object({ customerId: z.number(), upToLinkId: z.number() }) },
      },
    },
    async (req, reply) => {
      const tenantId = requireTenant(req);
      const auth = requireAuth(req);
      if (tenantId !== req.params.tid.toLowerCase()) throw AparErrors.tenantNotFound(req.params.tid);
      const out = await service.revokeAccess(
        { tenantId, actor: auth.actor, actorId: auth.userId, requestId: String(req.id), ip: req.ip },
        req.params.id,
      );
      return reply.code(201).send(out);
    },
  );

  app.post(
    `${base}/magic-links`,
    {
      config: OPEN,
      schema: {
        tags,
        summary: 'Mail a sign-in link to a customer contact (same answer for any address)',
        params: PortalParams,
        body: LinkRequestBody,
        response: { 202: LinkRequested },
      },
      preHandler: async (req) => {
        for (const limit of [perIp, perAddress]) {
          const r = await limit(req);
          if (!r.isAllowed && r.isExceeded) throw PortalErrors.rateLimited(r.ttlInSeconds);
        }
      },
    },
    async (req, reply) => {
      await service.requestMagicLink(req.params.slug, req.body.email, req.ip);
      return reply.code(202).send(LINK_ANSWER);
    },
  );

  app.post(
    `${base}/sessions`,
    {
      config: OPEN,
      schema: {
        tags,
        summary: 'Sign in with a mailed link: a portal token for the link’s customer',
        params: PortalParams,
        body: SignInBody,
        response: { 200: PortalSession },
      },
    },
    (req) =>
      service.redeemMagicLink(req.params.slug, req.body.token, { requestId: String(req.id), ip: req.ip }),
  );

  app.get(
    `${base}/me`,
    { config: PORTAL, schema: { tags, params: PortalParams, response: { 200: PortalProfile } } },
    (req) => service.getProfile(portalCaller(req), req.params.slug),
  );

  const documents = [
    ['invoice', 'invoices'],
    ['credit_note', 'credit-notes'],
  ] as const;
  for (const [kind, path] of documents) {
    app.get(
      `${base}/${path}`,
      {
        config: PORTAL,
        schema: { tags, params: PortalParams, querystring: PortalListQuery, response: { 200: DocumentList } },
      },
      async (req) => {
        const offset = cursorOffset(req.query.cursor);
        const got = await service.listDocuments(
          portalCaller(req),
          req.params.slug,
          kind,
          req.query.status,
          offset,
          req.query.limit,
        );
        return page(got.rows, got.total, offset, req.query.limit);
      },
    );
    app.get(
      `${base}/${path}/:id`,
      { config: PORTAL, schema: { tags, params: PortalItemParams, response: { 200: DocumentDetail } } },
      (req) => service.getDocument(portalCaller(req), req.params.slug, kind, req.params.id),
    );
  }

  app.get(
    `${base}/invoices/:id/pdf`,
    { config: PORTAL, schema: { tags, summary: 'One invoice as a PDF', params: PortalItemParams } },
    async (req, reply) => {
      const { number, pdf } = await service.invoicePdf(portalCaller(req), req.params.slug, req.params.id);
      return reply
        .type('application/pdf')
        .header(
          'content-disposition',
          `attachment; filename="invoice-${number.replace(/[^A-Za-z0-9_-]/g, '_')}.pdf"`,
        )
        .header('cache-control', 'no-store')
        .send(pdf);
    },
  );

  app.get(
    `${base}/payments`,
    {
      config: PORTAL,
      schema: {
        tags,
        params: PortalParams,
        querystring: PortalListQuery.omit({ status: true }),
        response: { 200: PaymentList },
      },
    },
    async (req) => {
      const offset = cursorOffset(req.query.cursor);
      const got = await service.listPayments(portalCaller(req), req.params.slug, offset, req.query.limit);
      return page(got.rows, got.total, offset, req.query.limit);
    },
  );
  app.get(
    `${base}/payments/:id`,
    { config: PORTAL, schema: { tags, params: PortalItemParams, response: { 200: Payment } } },
    (req) => service.getPayment(portalCaller(req), req.params.slug, req.params.id),
  );

  app.get(
    `${base}/statement`,
    {
      config: PORTAL,
      schema: { tags, params: PortalParams, querystring: PortalStatementQuery, response: { 200: Statement } },
    },
    (req) => service.getStatement(portalCaller(req), req.params.slug, req.query.from, req.query.to),
  );
}
