import type { FigModule } from '../modules/core/module';
import { bandsModule } from '../modules/bands';
import { auditModule } from '../modules/audit/index';
import { identityForTenancy, identityModule } from '../modules/identity/index';
import { tenancyModule } from '../modules/tenancy/index';
import { plansModule } from '../modules/plans/index';
import { parityModule } from '../modules/parity/index';
import { parityRunner } from '../legacy-shadow/index';
import { sessionsModule } from '../modules/sessions/index';
import { approvalsModule } from '../modules/approvals/index';
import { runsModule } from '../modules/runs/index';
import { billingModule } from '../modules/billing/index';
import { aparModule, aparPortalModule } from '../modules/apar/index';
import { notifyModule } from '../modules/notify/index';
import { storageModule } from '../modules/storage/index';
import { queuesModule } from '../modules/queues/index';

/**
 * Every module the gateway hosts. A module is added here and nowhere else; the route table
 * learns which legacy routes it can answer from `serves`.
 */
export const modules: FigModule[] = [
  identityModule,
  tenancyModule(identityForTenancy),
  auditModule,
  billingModule,
  bandsModule,
  plansModule,
  parityModule(parityRunner),
  sessionsModule,
  approvalsModule,
  runsModule,
  aparModule,
  aparPortalModule,
  notifyModule,
  storageModule,
  queuesModule(() => modules),
];
