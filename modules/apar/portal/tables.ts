import type { Generated } from 'kysely';

/** apar.portal_magic_links (migration 0067): one mailed sign-in link, by the sha256 of its token. */
export interface PortalMagicLinkTable {
  tenant_id: string;
  id: Generated<string>;
  contact_id: string;
  party_kind: Generated<'customer'>;
  party_id: string;
  email: string;
  token_hash: string;
  expires_at: Date;
  used_at: Date | null;
  requested_ip: string | null;
  created_at: Generated<Date>;
}

declare module '../../core/database' {
  interface Database {
    'apar.portal_magic_links': PortalMagicLinkTable;
  }
}
