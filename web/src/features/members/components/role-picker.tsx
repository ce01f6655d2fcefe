import type { Role } from '../types';

/** Checkboxes for tenant roles, each with the permissions it grants as a hint. Platform roles (ops) are never offered: no organisation grants them. */
export function RolePicker({ roles, value, onChange }: { roles: Role[]; value: string[]; onChange: (v: string[]) => void }) {
  return (
    <fieldset className="role-picker">
      <legend>Roles</legend>
      {roles.filter((r) => r.scope === 'tenant').map((r) => (
        <label key={r.key} className="check role-option" data-role={r.key}>
          <input type="checkbox" checked={value.includes(r.key)} onChange={(e) => onChange(e.target.checked ? [...value, r.key] : value.filter((k) => k !== r.key))} />
          <span>
            <strong>{r.name || r.key}</strong>
            <span className="muted small"> {r.description || r.permissions.slice(0, 6).join(', ') + (r.permissions.length > 6 ? '…' : '')}</span>
          </span>
        </label>
      ))}
    </fieldset>
  );
}
