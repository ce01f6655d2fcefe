import { Decimal, canonicalDecimal } from '../../core/decimal';
import type { Trx } from '../../core/db';
import { AP_BILL_POLICY_KEY, type ApprovalSubjectHooks } from '../../approvals/index';
import { AparErrors } from '../errors';
import * as repo from '../repo';
import { audit, inTenant, type AparDeps, type Caller } from './context';
import type { DocumentRow } from '../tables';

/** Subject type of AP bills in modules/approvals (default policy `ap-bill`). */
export const BILL_SUBJECT = 'ap_bill';

export interface BillApprovalState {
  billId: number;
  approval: DocumentRow['approval'];
  instance: unknown;
}

const billIdOf = (subjectId: string) => {
  const id = Number(subjectId);
  if (!Number.isSafeInteger(id) || id <= 0) throw AparErrors.documentNotFound('bill', 0);
  return id;
};

async function lockBill(trx: Trx, t: string, id: number): Promise<DocumentRow> {
  const bill = await repo.findDocument(trx, t, 'bill', id, { forUpdate: true });
  if (!bill) throw AparErrors.documentNotFound('bill', id);
  return bill;
}

/** draft → pending; the amount the policy's thresholds compare is the bill in the base currency. */
async function moveToPending(trx: Trx, caller: Caller, id: number): Promise<string> {
  const bill = await lockBill(trx, caller.tenantId, id);
  if (bill.approval !== 'draft') throw AparErrors.billNotInState(id, bill.approval, 'draft');
  await repo.setApproval(trx, caller.tenantId, id, 'pending', ['draft']);
  await audit(trx, caller, {
    action: 'apar.bill.submit',
    entity: 'bill',
    entityId: String(id),
    before: { approval: 'draft' },
    after: { approval: 'pending' },
  });
  return canonicalDecimal(new Decimal(bill.amount).times(bill.exchange_rate));
}

const approvalsOf = (deps: AparDeps) => {
  if (!deps.approvals) throw AparErrors.approvalsUnavailable();
  return deps.approvals;
};

const ctxOf = (caller: Caller, trx?: Trx) => ({
  tenantId: caller.tenantId,
  actor: caller.actor,
  actorId: caller.actorId ?? null,
  roles: caller.roles,
  requestId: caller.requestId ?? null,
  ip: caller.ip ?? null,
  trx,
});

/** Submit a draft bill for approval (policy `ap-bill`): the bill becomes pending in the same transaction. */
export function submitBill(deps: AparDeps, caller: Caller, id: number): Promise<BillApprovalState> {
  const approvals = approvalsOf(deps);
  return inTenant(deps, caller, async (trx) => {
    const amount = await moveToPending(trx, caller, id);
    const instance = await approvals.startApproval(ctxOf(caller, trx), {
      subjectType: BILL_SUBJECT,
      subjectId: String(id),
      amount,
      policyKey: AP_BILL_POLICY_KEY,
    });
    return { billId: id, approval: 'pending', instance };
  });
}

/** A bill's approval state and its latest approval (steps, current step, every decision). */
export async function getBillApproval(
  deps: AparDeps,
  caller: Caller,
  id: number,
): Promise<BillApprovalState> {
  const approvals = approvalsOf(deps);
  const bill = await inTenant(deps, caller, (trx) => lockBill(trx, caller.tenantId, id));
  const instance = await approvals.findLatestForSubject(ctxOf(caller), {
    subjectType: BILL_SUBJECT,
    subjectId: String(id),
  });
  return { billId: id, approval: bill.approval, instance: instance ?? null };
}

/**
 * Approve or reject the pending bill's current step, as the caller (their roles). The approvals
 * module refuses a wrong role (403 APPROVAL_WRONG_ROLE naming the role needed) or a second decision
 * by the same person; its hooks (below) move the bill in the decision's transaction.
 */
export async function decideBill(
  deps: AparDeps,
  caller: Caller,
  id: number,
  body: { decision: 'approve' | 'reject'; comment?: string },
): Promise<BillApprovalState> {
  const approvals = approvalsOf(deps);
  const state = await getBillApproval(deps, caller, id);
  const instance = state.instance as { id: string; status: string } | null;
  if (state.approval !== 'pending' || !instance || instance.status !== 'pending')
    throw AparErrors.billNotInState(id, state.approval, 'pending');
  await approvals.decide(ctxOf(caller), instance.id, body);
  return getBillApproval(deps, caller, id);
}

/**
 * How approvals move a bill: approved → payable; rejected → back to draft, audited. No `onSubmit`:
 * bills are submitted through apar's own route (POST …/bills/{id}/approval), which checks and moves
 * the bill and starts the approval in one transaction.
 */
export function billApprovalHooks(): ApprovalSubjectHooks {
  const actorOf = (tenantId: string, actor: string, actorId?: string | null): Caller => ({
    tenantId,
    actor,
    actorId: actorId ?? undefined,
  });
  return {
    onApproved: async (trx, e) => {
      const id = billIdOf(e.instance.subjectId);
      await repo.setApproval(trx, e.tenantId, id, 'approved', ['pending']);
      await audit(trx, actorOf(e.tenantId, e.actor), {
        action: 'apar.bill.approve',
        entity: 'bill',
        entityId: String(id),
        before: { approval: 'pending' },
        after: { approval: 'approved', approvalId: e.instance.id },
      });
    },
    onRejected: async (trx, e) => {
      const id = billIdOf(e.instance.subjectId);
      await repo.setApproval(trx, e.tenantId, id, 'draft', ['pending']);
      await audit(trx, actorOf(e.tenantId, e.actor), {
        action: 'apar.bill.reject',
        entity: 'bill',
        entityId: String(id),
        before: { approval: 'pending' },
        after: { approval: 'draft', reason: e.reason, approvalId: e.instance.id },
      });
    },
  };
}
