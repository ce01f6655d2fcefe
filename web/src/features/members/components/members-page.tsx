import { useState } from 'react';
import { Badge } from '../../../components/ui/badge';
import { Button } from '../../../components/ui/button';
import { Dialog } from '../../../components/ui/dialog';
import { Field } from '../../../components/ui/field';
import { Empty, ErrorState, FormError, Loading } from '../../../components/ui/states';
import { toast } from '../../../components/ui/toast';
import { ApiError } from '../../../lib/api-client';
import { can, useSession } from '../../../lib/auth';
import { formatDateTime } from '../../../lib/format';
import { useInviteMember } from '../api/invite-member';
import { useMembers } from '../api/list-members';
import { useRoles } from '../api/list-roles';
import { useSetMemberRoles } from '../api/set-member-roles';
import { useInvitations } from '../api/list-invitations';
import { useRevokeInvitation } from '../api/revoke-invitation';
import type { Member, NewInvitation } from '../types';
import { RolePicker } from './role-picker';

function InviteDialog({ tenantId, open, onClose }: { tenantId: string; open: boolean; onClose: () => void }) {
  const roles = useRoles();
  const invite = useInviteMember();
  const [email, setEmail] = useState('');
  const [picked, setPicked] = useState<string[]>([]);
  const [sent, setSent] = useState<NewInvitation | null>(null);
  const close = () => {
    setEmail('');
    setPicked([]);
    setSent(null);
    invite.reset();
    onClose();
  };
  const err = invite.error instanceof ApiError ? invite.error : undefined;
  return (
    <Dialog
      open={open}
      title="Invite a user"
      onClose={close}
      onSubmit={() => {
        if (sent) return close();
        invite.mutate({ tenantId, email: email.trim(), roles: picked }, { onSuccess: (inv) => setSent(inv) });
      }}
      footer={
        sent ? (
          <Button type="submit" variant="primary">
            Done
          </Button>
        ) : (
          <>
            <Button variant="ghost" onClick={close}>
              Cancel
            </Button>
            <Button type="submit" variant="primary" busy={invite.isPending} disabled={!email.trim() || picked.length === 0}>
              Send invitation
            </Button>
          </>
        )
      }
    >
      {sent ? (
        <div className="notice notice-success">
          Invitation sent to <strong>{sent.email}</strong> as {sent.roles.join(', ')}. It expires {formatDateTime(sent.expiresAt)}.
          {sent.token && (
            <div className="small">
              Development outbox token: <code className="wrap">{sent.token}</code>
            </div>
          )}
        </div>
      ) : (
        <>
          <Field label="Email" type="email" required autoFocus value={email} onChange={(e) => setEmail(e.target.value)} error={err?.fieldError('email')} />
          {roles.isPending ? <Loading label="Loading roles…" /> : roles.isError ? <ErrorState error={roles.error} /> : <RolePicker roles={roles.data} value={picked} onChange={setPicked} />}
          <FormError error={invite.error} shownFields={['email']} />
        </>
      )}
    </Dialog>
  );
}

function RolesDialog({ tenantId, member, onClose }: { tenantId: string; member: Member | null; onClose: () => void }) {
  const roles = useRoles();
  const setRoles = useSetMemberRoles();
  const [picked, setPicked] = useState<string[] | null>(null);
  const value = picked ?? member?.roles ?? [];
  const close = () => {
    setPicked(null);
    setRoles.reset();
    onClose();
  };
  return (
    <Dialog
      open={!!member}
      title={`Roles of ${member?.name || member?.email}`}
      onClose={close}
      onSubmit={() =>
        member &&
        setRoles.mutate(
          { tenantId, userId: member.userId, roles: value },
          {
            onSuccess: () => {
              toast(`Roles of ${member.email} saved`);
              close();
            },
          },
        )
      }
      footer={
        <>
          <Button variant="ghost" onClick={close}>
            Cancel
          </Button>
          <Button type="submit" variant="primary" busy={setRoles.isPending}>
            Save roles
          </Button>
        </>
      }
    >
      {roles.isPending ? <Loading label="Loading roles…" /> : roles.isError ? <ErrorState error={roles.error} /> : <RolePicker roles={roles.data} value={value} onChange={setPicked} />}
      <FormError error={setRoles.error} />
    </Dialog>
  );
}

function Invitations({ tenantId, manage }: { tenantId: string; manage: boolean }) {
  const invitations = useInvitations(tenantId);
  const revoke = useRevokeInvitation(tenantId);
  const pending = invitations.data?.data.filter((i) => i.status === 'pending') ?? [];
  if (invitations.isPending || pending.length === 0) return null;
  return (
    <section className="panel">
      <header className="panel-header">
        <h2>Pending invitations</h2>
        <span className="muted">{pending.length}</span>
      </header>
      <table className="table">
        <thead>
          <tr>
            <th>Email</th>
            <th>Roles</th>
            <th>Invited by</th>
            <th>Expires</th>
            {manage && <th aria-label="Actions" />}
          </tr>
        </thead>
        <tbody>
          {pending.map((i) => (
            <tr key={i.id}>
              <td>{i.email}</td>
              <td>
                <div className="role-list">
                  {i.roles.map((r) => (
                    <Badge key={r}>{r}</Badge>
                  ))}
                </div>
              </td>
              <td>{i.invitedBy}</td>
              <td>{formatDateTime(i.expiresAt)}</td>
              {manage && (
                <td className="actions">
                  <Button size="sm" variant="ghost" busy={revoke.isPending && revoke.variables === i.id} onClick={() => window.confirm(`Revoke the invitation of ${i.email}?`) && revoke.mutate(i.id)}>
                    Revoke
                  </Button>
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

/** Members of the current organisation; admins invite users and assign roles. */
export function MembersPage() {
  const session = useSession();
  const tenantId = session.tenant?.id ?? '';
  const manage = can(session, 'users.manage');
  const members = useMembers(tenantId);
  const [inviting, setInviting] = useState(false);
  const [editing, setEditing] = useState<Member | null>(null);

  return (
    <div className="page">
      <div className="page-header">
        <div>
          <h1>Members</h1>
          <p className="subtitle">People in {session.tenant?.name ?? 'this organisation'} and what they may do.</p>
        </div>
        <div className="page-actions">
          {manage && (
            <Button variant="primary" onClick={() => setInviting(true)}>
              Invite user…
            </Button>
          )}
        </div>
      </div>
      <section className="panel">
        {!tenantId ? (
          <Empty title="No organisation">Sign in as a member of an organisation to see its members.</Empty>
        ) : members.isPending ? (
          <Loading label="Loading members…" />
        ) : members.isError ? (
          <ErrorState error={members.error} onRetry={() => void members.refetch()} />
        ) : members.data.data.length === 0 ? (
          <Empty title="No members yet">Invite the first user of this organisation.</Empty>
        ) : (
          <div className="table-scroll">
            <table className="table">
              <thead>
                <tr>
                  <th>Name</th>
                  <th>Email</th>
                  <th>Roles</th>
                  <th>Status</th>
                  {manage && <th aria-label="Actions" />}
                </tr>
              </thead>
              <tbody>
                {members.data.data.map((m) => (
                  <tr key={m.userId}>
                    <td>{m.name || <span className="muted">—</span>}</td>
                    <td>{m.email}</td>
                    <td>
                      <div className="role-list">
                        {m.roles.length ? m.roles.map((r) => <Badge key={r}>{r}</Badge>) : <span className="muted">no roles</span>}
                      </div>
                    </td>
                    <td>{m.status ? <Badge tone={m.status === 'active' ? 'ok' : 'warn'}>{m.status}</Badge> : <span className="muted">—</span>}</td>
                    {manage && (
                      <td className="actions">
                        <Button size="sm" onClick={() => setEditing(m)} disabled={m.userId === session.user.id} title={m.userId === session.user.id ? 'You cannot change your own roles' : undefined}>
                          Roles…
                        </Button>
                      </td>
                    )}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      {tenantId && <Invitations tenantId={tenantId} manage={manage} />}
      {tenantId && <InviteDialog tenantId={tenantId} open={inviting} onClose={() => setInviting(false)} />}
      {tenantId && <RolesDialog tenantId={tenantId} member={editing} onClose={() => setEditing(null)} />}
    </div>
  );
}
