import fp from 'fastify-plugin';
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import type { Config } from '../core/config';
import { withTenant, type Db } from '../core/db';
import type { FigModule } from '../core/module';
import { approvalsRoutes } from './routes';
import { createApprovalsService, type ApprovalsService } from './service';
import { ensureDefaultPolicies } from './service/manage-policies';
import { RUN_SUBJECT, runApprovalHooks } from './subjects/run-subject';
import { mailStepReached } from './subjects/notify-step';
import './tables';

export {
  createApprovalsService,
  type ApprovalsService,
  type ApprovalContext,
  type ApprovalEvent,
  type ApprovalSubjectHooks,
  type StepReachedEvent,
  type StartApprovalInput,
  type DecideInput,
} from './service';
export { applicableSteps } from './service/start-approval';
export { DEFAULT_POLICIES, RUN_POLICY_KEY, AP_BILL_POLICY_KEY } from './defaults';
export * as ApprovalSchemas from './schema';

declare module 'fastify' {
  interface FastifyInstance {
    /** The approvals service: subject modules register their hooks and start approvals here. */
    approvals: ApprovalsService;
  }
}

/**
 * The approvals module: policies as data (ordered role steps with amount thresholds, versioned),
 * approval instances of any subject (runs, AP bills), decisions by the step's role only, an inbox,
 * audited transitions, and hooks through which the subject's module reacts. Decorates the app with
 * `approvals` (fastify-plugin), so modules registered after it reach the same instance.
 */
const plugin: FastifyPluginAsync<{ config: Config }> = fp<{ config: Config }>(
  async (app: FastifyInstance) => {
    // Each step an approval reaches mails the members holding its role (same transaction).
    const service = createApprovalsService({ db: app.db, log: app.log, onStepReached: mailStepReached });
    // Runs are approved here through the runs module's own state machine (subjects/run-subject.ts);
    // other subject modules (AP bills) register their hooks on app.approvals themselves.
    service.registerSubject(RUN_SUBJECT, runApprovalHooks);
    app.decorate('approvals', service);
    await app.register(approvalsRoutes, { prefix: '/api/v1', service });
  },
  { name: 'approvals' },
) as FastifyPluginAsync<{ config: Config }>;

export const approvalsModule: FigModule = { name: 'approvals', plugin };

/** Demo data: the default policies (run, ap-bill) written into the tenant now rather than on first use. Idempotent. */
export async function seedDemo(db: Db, tenantId: string): Promise<void> {
  await withTenant(db, tenantId, (trx) => ensureDefaultPolicies(trx, { tenantId, actor: 'seed' }));
}
