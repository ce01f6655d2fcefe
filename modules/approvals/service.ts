import type { FastifyBaseLogger } from 'fastify';
import type { Db } from '../core/db';
import type { Page } from '../core/pagination';
import type { ApprovalInstance, ApprovalListQuery, CreatePolicyBody, CurrentStep, Decision, Policy, SubmitBody } from './schema';
import { cancelApproval } from './service/cancel-approval';
import type { ApprovalContext, ApprovalSubjectHooks, ApprovalsDeps } from './service/context';
import { decide, type DecideInput } from './service/decide';
import { createPolicy, listPolicies } from './service/manage-policies';
import { currentStep, findLatestForSubject, getApproval, history, listApprovals } from './service/queries';
import { startApproval, type StartApprovalInput } from './service/start-approval';
import { submitSubject } from './service/submit-subject';

export type { ApprovalContext, ApprovalEvent, ApprovalSubjectHooks, StepReachedEvent } from './service/context';
export type { StartApprovalInput } from './service/start-approval';
export type { DecideInput } from './service/decide';

/** The approvals API other modules call (through `app.approvals` or their own `createApprovalsService`). */
export interface ApprovalsService {
  /**
   * Register the hooks of a subject type (once per app, by the module that owns the subject).
   * Registering the same type twice is a programming error and throws.
   */
  registerSubject(subjectType: string, hooks: ApprovalSubjectHooks): void;
  startApproval(ctx: ApprovalContext, input: StartApprovalInput): Promise<ApprovalInstance>;
  /** The generic submission (HTTP POST .../approvals): the subject's `onSubmit` hook, then startApproval. */
  submit(ctx: ApprovalContext, body: SubmitBody): Promise<ApprovalInstance>;
  decide(ctx: ApprovalContext, instanceId: string, body: DecideInput): Promise<ApprovalInstance>;
  cancel(ctx: ApprovalContext, instanceId: string, reason: string): Promise<ApprovalInstance>;
  getApproval(ctx: ApprovalContext, instanceId: string): Promise<ApprovalInstance>;
  currentStep(ctx: ApprovalContext, instanceId: string): Promise<CurrentStep | null>;
  history(ctx: ApprovalContext, subject: { subjectType: string; subjectId: string }): Promise<Decision[]>;
  findLatestForSubject(ctx: ApprovalContext, subject: { subjectType: string; subjectId: string }): Promise<ApprovalInstance | undefined>;
  listApprovals(ctx: ApprovalContext, query: ApprovalListQuery): Promise<Page<ApprovalInstance>>;
  listPolicies(ctx: ApprovalContext): Promise<Policy[]>;
  createPolicy(ctx: ApprovalContext, body: CreatePolicyBody): Promise<Policy>;
}

/** The approvals service over `db`; its subject registry belongs to this instance (one per app). */
export function createApprovalsService(opts: {
  db: Db;
  log: FastifyBaseLogger;
  clock?: () => Date;
  onStepReached?: ApprovalsDeps['onStepReached'];
}): ApprovalsService {
  const deps: ApprovalsDeps = { ...opts, subjects: new Map() };
  return {
    registerSubject(subjectType, hooks) {
      if (deps.subjects.has(subjectType)) throw new Error(`approval hooks for '${subjectType}' are already registered`);
      deps.subjects.set(subjectType, hooks);
    },
    startApproval: (ctx, input) => startApproval(deps, ctx, input),
    submit: (ctx, body) => submitSubject(deps, ctx, body),
    decide: (ctx, id, body) => decide(deps, ctx, id, body),
    cancel: (ctx, id, reason) => cancelApproval(deps, ctx, id, reason),
    getApproval: (ctx, id) => getApproval(deps, ctx, id),
    currentStep: (ctx, id) => currentStep(deps, ctx, id),
    history: (ctx, subject) => history(deps, ctx, subject),
    findLatestForSubject: (ctx, subject) => findLatestForSubject(deps, ctx, subject),
    listApprovals: (ctx, query) => listApprovals(deps, ctx, query),
    listPolicies: (ctx) => listPolicies(deps, ctx),
    createPolicy: (ctx, body) => createPolicy(deps, ctx, body),
  };
}
