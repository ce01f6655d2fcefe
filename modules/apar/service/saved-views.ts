import { AppError, notFound } from '../../core/errors';
import * as repo from '../repo';
import { SavedViewBody, type SavedView } from '../schema';
import { audit, inTenant, type AparDeps, type Caller } from './context';
import { PG_UNIQUE_VIOLATION } from '../errors';

/** Saved views are private to their user: every query is by the caller's user id as well as the tenant. */
const userOf = (caller: Caller) => {
  if (!caller.actorId)
    throw new AppError('APAR_VIEWS_NEED_USER', 403, 'Saved views belong to a signed-in user');
  return caller.actorId;
};

const toView = (r: repo.SavedViewRow): SavedView => ({
  id: r.id,
  list: r.list as SavedView['list'],
  name: r.name,
  filters: r.filters,
  sort: r.sort,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

const duplicate = (name: string) =>
  new AppError('APAR_VIEW_EXISTS', 409, `You already have a view named ${name} on this list`, [
    { path: 'body.name', message: 'already used on this list', code: 'duplicate' },
  ]);

async function unique<T>(name: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if ((err as { code?: string }).code === PG_UNIQUE_VIOLATION) throw duplicate(name);
    throw err;
  }
}

/** The caller's saved views, optionally of one list. */
export function listSavedViews(deps: AparDeps, caller: Caller, list?: string): Promise<SavedView[]> {
  const user = userOf(caller);
  return inTenant(deps, caller, async (trx) =>
    (await repo.listSavedViews(trx, caller.tenantId, user, list)).map(toView),
  );
}

/** Save a new view (name unique per user and list). */
export function createSavedView(deps: AparDeps, caller: Caller, input: SavedViewBody): Promise<SavedView> {
  const user = userOf(caller);
  const body = SavedViewBody.parse(input);
  return unique(body.name, () =>
    inTenant(deps, caller, async (trx) => {
      const view = toView(await repo.insertSavedView(trx, caller.tenantId, user, body));
      await audit(trx, caller, {
        action: 'apar.view.create',
        entity: 'apar_view',
        entityId: view.id,
        after: view,
      });
      return view;
    }),
  );
}

/** Replace one of the caller's views (another user's is not found). */
export function updateSavedView(
  deps: AparDeps,
  caller: Caller,
  id: string,
  input: SavedViewBody,
): Promise<SavedView> {
  const user = userOf(caller);
  const body = SavedViewBody.parse(input);
  return unique(body.name, () =>
    inTenant(deps, caller, async (trx) => {
      const row = await repo.updateSavedView(trx, caller.tenantId, user, id, body);
      if (!row) throw notFound('Saved view', id);
      return toView(row);
    }),
  );
}

/** Delete one of the caller's views. */
export function deleteSavedView(deps: AparDeps, caller: Caller, id: string): Promise<void> {
  const user = userOf(caller);
  return inTenant(deps, caller, async (trx) => {
    if (!(await repo.deleteSavedView(trx, caller.tenantId, user, id))) throw notFound('Saved view', id);
  });
}
