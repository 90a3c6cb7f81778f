import { passwordChecklist } from './password-rules';

/**
 * The composition rules, ticked live while typing. Only the rules the renderer can
 * check are listed; the server may still refuse (a common or breached password), and
 * the form then shows its message and hint.
 */
export function PasswordChecklist({ password, confirm }: { password: string; confirm?: string }) {
  const items: { key: string; label: string; met: boolean }[] = passwordChecklist(password).map((r) => ({ key: r.id, label: r.label, met: r.met }));
  if (confirm !== undefined) items.push({ key: 'match', label: 'Both passwords match', met: password.length > 0 && password === confirm });
  return (
    <ul className="checklist" aria-label="Rules the password must meet" id="password-rules">
      {items.map((r) => (
        <li key={r.key} className={r.met ? 'checklist__item checklist__item--met' : 'checklist__item'}>
          <span className="checklist__mark" aria-hidden="true">
            {r.met ? '✓' : '○'}
          </span>
          <span>{r.label}</span>
          <span className="visually-hidden">{r.met ? ' (met)' : ' (not yet)'}</span>
        </li>
      ))}
    </ul>
  );
}
