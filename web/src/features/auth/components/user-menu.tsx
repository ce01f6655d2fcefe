import { useEffect, useRef, useState } from 'react';
import { toast } from '../../../components/ui/toast';
import { logout, switchTenant, useSession } from '../../../lib/auth';
import { Link } from '../../../app/router';

function initials(name: string, email: string): string {
  const src = name.trim() || email;
  const parts = src.split(/[\s@._-]+/).filter(Boolean);
  return ((parts[0]?.[0] ?? '?') + (parts[1]?.[0] ?? '')).toUpperCase();
}

/** Name, organisation, roles; switch organisation (users in several); sign out. */
export function UserMenu() {
  const s = useSession();
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const ref = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!open) return;
    const close = (e: MouseEvent) => {
      if (!ref.current?.contains(e.target as Node)) setOpen(false);
    };
    const esc = (e: KeyboardEvent) => e.key === 'Escape' && setOpen(false);
    document.addEventListener('mousedown', close);
    document.addEventListener('keydown', esc);
    return () => {
      document.removeEventListener('mousedown', close);
      document.removeEventListener('keydown', esc);
    };
  }, [open]);

  const change = async (tenantId: string) => {
    setBusy(true);
    try {
      await switchTenant(tenantId);
      setOpen(false);
    } catch (err) {
      toast(`Could not switch organisation: ${(err as Error).message}`, 'error');
    } finally {
      setBusy(false);
    }
  };

  const name = s.user.name || s.user.email;
  return (
    <div className="user-menu" ref={ref}>
      <button type="button" className="user-button" aria-haspopup="menu" aria-expanded={open} onClick={() => setOpen((o) => !o)} data-testid="user-menu">
        <span className="avatar" aria-hidden>
          {initials(s.user.name, s.user.email)}
        </span>
        <span className="user-text">
          <span className="user-name">{name}</span>
          <span className="user-tenant">{s.tenant?.name ?? 'no organisation'}</span>
        </span>
        <span className="caret open" aria-hidden>
          ▸
        </span>
      </button>
      {open && (
        <div className="menu" role="menu">
          <div className="menu-section">
            <div className="menu-title">{name}</div>
            <div className="muted">{s.user.email}</div>
            <div className="role-list">
              {s.roles.map((r) => (
                <span key={r} className="badge badge-neutral">
                  {r}
                </span>
              ))}
              {s.platformRoles.map((r) => (
                <span key={`platform:${r}`} className="badge badge-neutral" title="Platform role: granted by a platform operator, the same in every organisation" data-testid="platform-role">
                  {r} (platform)
                </span>
              ))}
            </div>
          </div>
          {s.tenants.length > 1 && (
            <div className="menu-section">
              <div className="menu-label">Organisation</div>
              {s.tenants.map((t) => (
                <button key={t.id} type="button" role="menuitemradio" aria-checked={t.id === s.tenant?.id} className="menu-item" disabled={busy || t.id === s.tenant?.id} onClick={() => void change(t.id)}>
                  <span className="check-mark" aria-hidden>
                    {t.id === s.tenant?.id ? '✓' : ''}
                  </span>
                  {t.name}
                  <span className="muted small">{t.roles.join(', ')}</span>
                </button>
              ))}
            </div>
          )}
          <div className="menu-section">
            <Link to="/account/security" className="menu-item" role="menuitem" onClick={() => setOpen(false)}>
              Account security
            </Link>
            <button type="button" role="menuitem" className="menu-item" onClick={() => void logout()}>
              Sign out
            </button>
          </div>
        </div>
      )}
    </div>
  );
}
