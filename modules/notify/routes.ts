import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { requireAuth } from '../core/auth-context';
import {
  DeliveryPage,
  DeliveryQuery,
  MailboxMessage,
  MailboxPage,
  MailboxQuery,
  MessageIdParams,
  OutboxIdParams,
} from './schema';
import type { NotifyService } from './service';

const tags = ['ops'];
const security = [{ bearerAuth: [] }];

/**
 * /_fig/mailbox (the embedded dev mailbox) and /_fig/mail/deliveries (delivery state, the
 * dead-letter list, retry): platform permissions platform.mail.*, held by the ops role.
 */
export function notifyRoutes(service: NotifyService): FastifyPluginAsync {
  return async (app) => {
    const r = app.withTypeProvider<ZodTypeProvider>();

    r.get(
      '/_fig/mailbox',
      {
        config: { permission: 'platform.mail.read' },
        schema: {
          tags,
          security,
          summary:
            'Dev mailbox: the mails fig sent without RESEND_API_KEY, newest first (409 when Resend delivers)',
          querystring: MailboxQuery,
          response: { 200: MailboxPage },
        },
      },
      async (request) => service.listMailbox(request.query),
    );

    r.get(
      '/_fig/mailbox/:id',
      {
        config: { permission: 'platform.mail.read' },
        schema: {
          tags,
          security,
          summary: 'One dev mailbox message with its HTML and text',
          params: MessageIdParams,
          response: { 200: MailboxMessage },
        },
      },
      async (request) => service.getMailboxMessage(request.params.id),
    );

    r.get(
      '/_fig/mail/deliveries',
      {
        config: { permission: 'platform.mail.read' },
        schema: {
          tags,
          security,
          summary: 'Mail deliveries (status=dead: the dead-letter list), most recently changed first',
          querystring: DeliveryQuery,
          response: { 200: DeliveryPage },
        },
      },
      async (request) => service.listDeliveries(request.query),
    );

    r.post(
      '/_fig/mail/deliveries/:outboxId/retry',
      {
        config: { permission: 'platform.mail.manage' },
        schema: {
          tags,
          security,
          summary: 'Retry a dead-lettered mail (same idempotency key, fresh tries)',
          params: OutboxIdParams,
        },
      },
      async (request, reply) => {
        await service.retryDelivery(request.params.outboxId);
        request.log.info(
          { outboxId: request.params.outboxId, actor: requireAuth(request).actor },
          'dead mail delivery retried',
        );
        return reply.code(202).send({ outboxId: request.params.outboxId, status: 'queued' });
      },
    );
  };
}
