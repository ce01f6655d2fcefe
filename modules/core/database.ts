/**
 * The database's table map. Each module adds its own tables by declaration merging:
 *
 *   declare module '../core/database' { interface Database { 'comp.plans': PlanTable } }
 *
 * so one Kysely instance is typed for every module, while each repo only touches its own tables.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface Database {}
