import './tables';

export { Rbac, type RoleInfo } from './rbac';
export { tenancyRoutes, type TenancyDeps } from './routes';
export { listUserTenantsAsOwner, addMember, type TenantSummary, type MemberRow } from './repo';
export type { Organisation, Invitation } from './tables';
