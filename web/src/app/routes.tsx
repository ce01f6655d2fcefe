import { lazy, type ComponentType } from 'react';
import { CutoverConsole } from '../features/routes/components/cutover-console';
import { MembersPage } from '../features/members/components/members-page';
import { PlansPage } from '../features/plans/components/plans-page';
import { PlanPage } from '../features/plans/components/plan-page';
import { ParityReportsPage } from '../features/parity/components/reports-page';
import { ParityReportPage } from '../features/parity/components/report-page';
import { ParityEmployeePage } from '../features/parity/components/employee-page';
import { MailboxPage } from '../features/mail/components/mailbox-page';
import { DeliveriesPage } from '../features/mail/components/deliveries-page';
import { OrganisationsPage } from '../features/organisations/components/organisations-page';
import { AccountSecurityPage } from '../features/auth/components/account-security-page';
import { AuditPage } from '../features/audit/components/audit-page';
import { BillingPage } from '../features/billing/components/billing-page';
import { ApprovalsInboxPage } from '../features/approvals/components/inbox-page';
import { ApprovalPage } from '../features/approvals/components/approval-page';
import { RunsPage } from '../features/runs/components/runs-page';
import { NewRunPage } from '../features/runs/components/new-run-page';
import { RunWithApprovalPage } from './run-with-approval';
import { aparScreens } from '../features/apar/screens';
// Split off with the AP/AR screens (it composes the bill page with its approval).
const BillApprovalsPage = lazy(() => import('./bill-with-approval').then((m) => ({ default: m.BillApprovalsPage })));
const BillWithApprovalPage = lazy(() => import('./bill-with-approval').then((m) => ({ default: m.BillWithApprovalPage })));

export interface AppRoute {
  path: string;
  /** Nav label; routes without one are reachable only by link. */
  label?: string;
  /** Permission key from /me the screen needs; hidden in the nav and refused without it. Empty: every signed-in user. */
  permission: string;
  component: ComponentType<{ params: Record<string, string> }>;
}

/** Every screen behind sign-in, in nav order. The first one allowed is the home screen. */
export const appRoutes: AppRoute[] = [
  { path: '/routes', label: 'Cutover', permission: 'routes.read', component: CutoverConsole },
  { path: '/plans', label: 'Plans', permission: 'plans.read', component: PlansPage },
  { path: '/plans/:id', permission: 'plans.read', component: PlanPage },
  { path: '/runs', label: 'Runs', permission: 'runs.read', component: RunsPage },
  { path: '/runs/new', permission: 'runs.write', component: NewRunPage },
  { path: '/runs/:id', permission: 'runs.read', component: RunWithApprovalPage },
  { path: '/approvals', label: 'Approvals', permission: 'approvals.read', component: ApprovalsInboxPage },
  { path: '/approvals/:id', permission: 'approvals.read', component: ApprovalPage },
  { path: '/apar/approvals', permission: 'approvals.read', component: BillApprovalsPage },
  ...aparScreens({ bill: BillWithApprovalPage }),
  { path: '/parity', label: 'Parity', permission: 'parity.read', component: ParityReportsPage },
  { path: '/parity/:id', permission: 'parity.read', component: ParityReportPage },
  { path: '/parity/:id/employees/:employeeId', permission: 'parity.read', component: ParityEmployeePage },
  { path: '/admin/members', label: 'Members', permission: 'users.read', component: MembersPage },
  { path: '/ops/mailbox', label: 'Mailbox', permission: 'platform.mail.read', component: MailboxPage },
  { path: '/ops/mailbox/:id', permission: 'platform.mail.read', component: MailboxPage },
  { path: '/ops/mail', label: 'Mail', permission: 'platform.mail.read', component: DeliveriesPage },
  { path: '/admin/billing', label: 'Billing', permission: 'billing.read', component: BillingPage },
  { path: '/audit', label: 'Audit log', permission: 'audit.read', component: AuditPage },
  { path: '/account/security', permission: '', component: AccountSecurityPage },
  { path: '/ops/organisations', label: 'Organisations', permission: 'platform.tenants.read', component: OrganisationsPage },
];
