import type { FastifyPluginAsync } from 'fastify';
import type { FigModule } from '../core/module';
import type { Config } from '../core/config';
import { notifyRoutes } from './routes';
import { createNotifyService } from './service';
import { deliverMailJob, dispatchOutboxJob } from './jobs';
import './tables';

export { deliverMailJob, dispatchOutboxJob } from './jobs';
export {
  mailApprovalRequested,
  mailRunFinalized,
  mailInvoiceSent,
  type InvoiceSentEvent,
  MAX_APPROVAL_RECIPIENTS,
  type ApprovalStepReached,
  type RunFinalizedEvent,
} from './producers';
export { renderMail, templates, type RenderedMail } from './templates';
export { deliverMessage, idempotencyKeyOf } from './service/deliver-message';
export {
  resendTransport,
  mailboxTransport,
  transportFor,
  MailSendError,
  type MailTransport,
  type OutgoingMail,
} from './transports';

const plugin: FastifyPluginAsync<{ config: Config }> = async (app, { config }) => {
  await app.register(notifyRoutes(createNotifyService({ db: app.db, config })));
};

/** Notify: delivers identity's outbox (Resend or the dev mailbox), with retries and a dead-letter list. */
export const notifyModule: FigModule = { name: 'notify', plugin, jobs: [dispatchOutboxJob, deliverMailJob] };
