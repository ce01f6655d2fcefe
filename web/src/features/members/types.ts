/** A member of the current organisation (GET /api/v1/tenants/{tid}/members). */
export interface Member {
  userId: string;
  email: string;
  name: string;
  roles: string[];
  status?: string;
  createdAt?: string;
}

/** A role with its permission keys (GET /api/v1/roles). */
export interface Role {
  key: string;
  description?: string;
  permissions: string[];
}

export interface Invitation {
  id: string;
  email: string;
  roles: string[];
  expiresAt: string;
  token?: string;
}
