import { AppError, conflict, notFound } from '../core/errors';

/** Stable codes of the approvals module's expected failures. */
export const ApprovalErrors = {
  tenantNotFound: (id: string) => notFound('Tenant', id),
  instanceNotFound: (id: string) => notFound('Approval', id),
  policyNotFound: (key: string) =>
    new AppError('APPROVAL_POLICY_NOT_FOUND', 404, `There is no approval policy '${key}' in this organisation`, [], { policyKey: key }),
  policyRace: (key: string) =>
    conflict('APPROVAL_POLICY_CHANGED', `Approval policy '${key}' got a new version while this one was written; reload and try again`),
  policySubjectMismatch: (key: string, policySubject: string, subjectType: string) =>
    new AppError(
      'APPROVAL_POLICY_SUBJECT',
      422,
      `Approval policy '${key}' is for ${policySubject} subjects, not ${subjectType}`,
      [{ path: 'subjectType', message: `policy '${key}' approves ${policySubject}` }],
    ),
  /** Without arguments: the race on the one-pending-per-subject index, detected by Postgres. */
  alreadyPending: (subject?: { type: string; id: string; instanceId: string }) =>
    subject
      ? conflict('APPROVAL_ALREADY_PENDING', `${subject.type} ${subject.id} is already waiting for approval`, { instanceId: subject.instanceId })
      : conflict('APPROVAL_ALREADY_PENDING', 'This subject is already waiting for approval'),
  notPending: (id: string, status: string) =>
    conflict('APPROVAL_NOT_PENDING', `Approval ${id} is ${status}; only a pending approval takes decisions`, { status }),
  stepMoved: (id: string, expected: number, current: number) =>
    conflict('APPROVAL_STEP_MOVED', `Approval ${id} is at step ${current}, not step ${expected}: reload and decide again`, {
      currentPosition: current,
    }),
  wrongRole: (step: { position: number; role: string; label: string }, of: number, roles: string[]) =>
    new AppError(
      'APPROVAL_WRONG_ROLE',
      403,
      `Step ${step.position} of ${of} (${step.label || step.role}) is decided by the ${step.role} role; you have ${
        roles.length ? roles.join(', ') : 'no tenant role'
      }`,
      [],
      { requiredRole: step.role, position: step.position },
    ),
  sameApprover: (actor: string, position: number) =>
    new AppError(
      'APPROVAL_SAME_APPROVER',
      403,
      `${actor} already decided step ${position} of this approval; this policy needs a different person for each step`,
      [],
      { decidedPosition: position },
    ),
};

/** SQLSTATE of the unique index that allows one pending instance per subject. */
export const PG_UNIQUE_VIOLATION = '23505';
