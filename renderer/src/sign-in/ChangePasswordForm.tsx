import { useState, type FormEvent } from 'react';
import { call, toErrorInfo, type ErrorInfo, type OpOutput } from '../api/client';
import { ErrorMessage } from '../ui/ErrorMessage';
import { Field } from '../ui/Field';
import { PasswordChecklist } from '../ui/PasswordChecklist';
import { passwordRulesMet } from '../ui/password-rules';

type SessionInfo = NonNullable<OpOutput<'session.current'>>;

/**
 * An admin reset this account's password: the server refuses everything except
 * changing it (PASSWORD_CHANGE_REQUIRED), so this screen comes before the console.
 */
export function ChangePasswordForm({ session, onChanged, onSignedOut }: { session: SessionInfo; onChanged: (s: SessionInfo) => void; onSignedOut: () => void }) {
  const [current, setCurrent] = useState('');
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorInfo | null>(null);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (busy) return;
    if (!passwordRulesMet(password)) {
      setError({ code: 'PASSWORD_RULES', message: 'The new password does not meet the rules yet.', hint: 'Every item in the list below must be ticked.' });
      return;
    }
    if (password !== confirm) {
      setError({ code: 'PASSWORD_MISMATCH', message: 'The two new passwords differ.', hint: 'Type the same password in both fields.' });
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await call('session.changePassword', { currentPassword: current, newPassword: password });
      const fresh = await call('session.current', {});
      if (fresh) onChanged(fresh);
      else onSignedOut();
    } catch (err) {
      setError(toErrorInfo(err));
      setBusy(false);
    }
  }

  async function signOut() {
    try {
      await call('session.signOut', {});
    } catch {
      /* the session may already be gone; either way, leave */
    }
    onSignedOut();
  }

  return (
    <form className="auth-form" data-testid="change-password-form" onSubmit={submit} noValidate>
      <h1 className="auth-form__title">Choose a new password</h1>
      <p className="auth-form__lead">
        The password of <strong>{session.staff.email}</strong> was reset by an admin. Choose your own before continuing.
      </p>
      <Field label="Current (temporary) password" type="password" autoComplete="current-password" required value={current} onChange={(e) => setCurrent(e.target.value)} autoFocus />
      <Field label="New password" type="password" autoComplete="new-password" required value={password} onChange={(e) => setPassword(e.target.value)} aria-describedby="password-rules" />
      <Field label="Confirm new password" type="password" autoComplete="new-password" required value={confirm} onChange={(e) => setConfirm(e.target.value)} />
      <PasswordChecklist password={password} confirm={confirm} />
      {error ? <ErrorMessage error={error} /> : null}
      <div className="auth-form__row">
        <button type="button" className="button button--ghost" onClick={() => void signOut()}>
          Sign out
        </button>
        <button type="submit" className="button button--primary" disabled={busy}>
          {busy ? 'Saving…' : 'Change password'}
        </button>
      </div>
    </form>
  );
}
