import type { Trx } from '../core/db';
import { enqueueMessage } from '../identity/index';
import '../tenancy/index';

/*
 * Mails other modules cause: each is written to identity.outbox inside the caller's tenant
 * transaction, so the business change and its mail commit (or roll back) together. The worker
 * renders them from modules/notify/templates.ts; subject and body here are the fallback text.
 */

/** At most this many people are mailed for one approval step (the role's first members by email). */
export const MAX_APPROVAL_RECIPIENTS = 20;

/** The active members of the transaction's tenant holding `role`, by email, at most `limit`. */
async function membersWithRole(trx: Trx, tenantId: string, role: string, limit: number): Promise<string[]> {
  const rows = await trx
    .selectFrom('tenancy.user_role_assignments as a')
    .innerJoin('tenancy.memberships as m', (j) => j.onRef('m.user_id', '=', 'a.user_id').onRef('m.tenant_id', '=', 'a.tenant_id'))
    .innerJoin('identity.users as u', 'u.id', 'a.user_id')
    .select('u.email')
    .where('a.tenant_id', '=', tenantId)
    .where('a.role_key', '=', role)
    .where('m.status', '=', 'active')
    .orderBy('u.email')
    .limit(limit)
    .execute();
  return rows.map((r) => r.email);
}

export interface ApprovalStepReached {
  tenantId: string;
  approvalId: string;
  /** The role whose members may decide the step now waiting. */
  role: string;
  /** What is approved, as people read it ("run 42", "bill INV-7"). */
  title: string;
  /** Who started the approval or approved the previous step. */
  requestedBy: string;
  /** The previous step's comment, if any. */
  note?: string | null;
}

/**
 * Mail `approval_requested` to the tenant's members holding the step's role (at most
 * MAX_APPROVAL_RECIPIENTS, the acting person excluded); nothing when nobody holds it. Returns the
 * addresses mailed.
 */
export async function mailApprovalRequested(trx: Trx, e: ApprovalStepReached): Promise<string[]> {
  const to = (await membersWithRole(trx, e.tenantId, e.role, MAX_APPROVAL_RECIPIENTS + 1))
    .filter((email) => email !== e.requestedBy)
    .slice(0, MAX_APPROVAL_RECIPIENTS);
  const path = `/approvals/${e.approvalId}`;
  for (const address of to) {
    await enqueueMessage(trx, {
      kind: 'approval_requested',
      to: address,
      subject: `Approval requested: ${e.title}`,
      body: `${e.requestedBy} asks you to approve ${e.title}.${e.note ? `\nNote: ${e.note}` : ''}\nReview: /app${path}`,
      payload: { title: e.title, path, requestedBy: e.requestedBy, role: e.role, approvalId: e.approvalId, ...(e.note ? { note: e.note } : {}) },
    });
  }
  return to;
}

export interface RunFinalizedEvent {
  tenantId: string;
  runId: number;
  runName: string | null;
  /** The run's creator as runs records it (an email for people, 'worker'/'system' otherwise). */
  createdBy: string;
  finalizedBy: string;
  employees: number;
}

/**
 * Mail `run_finalized` to the run's creator when the creator is a member of the tenant (a run
 * started by the system mails nobody). Returns the address mailed, or null.
 */
export async function mailRunFinalized(trx: Trx, e: RunFinalizedEvent): Promise<string | null> {
  const user = await trx
    .selectFrom('identity.users as u')
    .innerJoin('tenancy.memberships as m', 'm.user_id', 'u.id')
    .select('u.email')
    .where('m.tenant_id', '=', e.tenantId)
    .where('m.status', '=', 'active')
    .where('u.email', '=', e.createdBy)
    .executeTakeFirst();
  if (!user) return null;
  const runName = e.runName ?? `Run ${e.runId}`;
  const path = `/runs/${e.runId}`;
  await enqueueMessage(trx, {
    kind: 'run_finalized',
    to: user.email,
    subject: `Run finalized: ${runName}`,
    body: `${runName} was finalized by ${e.finalizedBy}. Open the run: /app${path}`,
    payload: { runName, path, finalizedBy: e.finalizedBy, employees: String(e.employees), runId: e.runId },
  });
  return user.email;
}

export interface InvoiceSentEvent {
  /** The customer's billing contact. */
  to: string;
  organisation: string;
  invoiceNumber: string;
  /** Decimal strings and dates as the invoice has them. */
  amount: string;
  balance: string;
  currency: string;
  dueDate: string;
  /** The invoice's page in the client portal (/portal/{slug}/invoices/{id}). */
  path: string;
}

/** Mail `invoice_sent` (an invoice to its customer's billing contact), in the caller's transaction. */
export async function mailInvoiceSent(trx: Trx, e: InvoiceSentEvent): Promise<void> {
  await enqueueMessage(trx, {
    kind: 'invoice_sent',
    to: e.to,
    subject: `Invoice ${e.invoiceNumber} from ${e.organisation}`,
    body: `Invoice ${e.invoiceNumber}: ${e.balance} ${e.currency} due by ${e.dueDate}. View it and download the PDF: ${e.path}`,
    payload: {
      invoiceNumber: e.invoiceNumber,
      amount: e.balance,
      total: e.amount,
      currency: e.currency,
      dueDate: e.dueDate,
      organisation: e.organisation,
      path: e.path,
    },
  });
}
