import { useId, useState } from 'react';
import { PasswordChecklist } from '../ui/PasswordChecklist';
import { generateTemporaryPassword } from './temporary-password';

/**
 * A temporary password for someone else: the admin types one or generates one, sees it
 * (they must pass it on), and the live checklist shows which rule is unmet. The server
 * still decides (breached or common passwords, the person's e-mail name).
 */
export function TemporaryPasswordField({ value, onChange, testId }: { value: string; onChange: (v: string) => void; testId: string }) {
  const id = useId();
  const [shown, setShown] = useState(false);
  return (
    <div className="field">
      <label className="field__label" htmlFor={id}>
        Temporary password
      </label>
      <div className="dialog-form__row">
        <input
          id={id}
          className="input temp-password__input"
          type={shown ? 'text' : 'password'}
          autoComplete="new-password"
          spellCheck={false}
          data-testid={testId}
          value={value}
          maxLength={1024}
          onChange={(e) => onChange(e.target.value)}
          aria-describedby="password-rules"
        />
        <button type="button" className="button" onClick={() => setShown((s) => !s)} aria-pressed={shown}>
          {shown ? 'Hide' : 'Show'}
        </button>
        <button
          type="button"
          className="button"
          data-testid={`${testId}-generate`}
          onClick={() => {
            onChange(generateTemporaryPassword());
            setShown(true);
          }}
        >
          Generate
        </button>
      </div>
      <PasswordChecklist password={value} />
    </div>
  );
}
