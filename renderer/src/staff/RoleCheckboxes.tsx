import type { Role } from './staff-roles';
import { ROLE_INFO, ROLE_ORDER } from './staff-roles';

/** One checkbox per role, with what the role may do; a staff member can hold several. */
export function RoleCheckboxes({ value, onChange, disabled = false }: { value: readonly Role[]; onChange: (roles: Role[]) => void; disabled?: boolean }) {
  const toggle = (role: Role, on: boolean) => onChange(ROLE_ORDER.filter((r) => (r === role ? on : value.includes(r))));
  return (
    <fieldset className="role-boxes" disabled={disabled}>
      <legend className="field__label">Roles</legend>
      {ROLE_ORDER.map((role) => (
        <label key={role} className="role-box">
          <input type="checkbox" data-testid={`staff-role-${role}`} checked={value.includes(role)} onChange={(e) => toggle(role, e.target.checked)} />
          <span className="role-box__text">
            <span className="role-box__label">{ROLE_INFO[role].label}</span>
            <span className="role-box__help">{ROLE_INFO[role].help}</span>
          </span>
        </label>
      ))}
    </fieldset>
  );
}
