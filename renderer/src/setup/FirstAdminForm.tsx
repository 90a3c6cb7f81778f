import { useState, type FormEvent } from 'react';
import { call, toErrorInfo, type ErrorInfo, type OpOutput } from '../api/client';
import { ErrorMessage } from '../ui/ErrorMessage';
import { Field } from '../ui/Field';
import { PasswordChecklist } from '../ui/PasswordChecklist';
import { passwordRulesMet } from '../ui/password-rules';

type SessionInfo = OpOutput<'setup.createFirstAdmin'>;

/**
 * First run: the control plane has no staff yet, so the first account is an admin
 * (setup.createFirstAdmin signs in as it). The checklist mirrors the composition rule;
 * the server may still refuse (a breached password), and says why.
 */
export function FirstAdminForm({ meta, onCreated }: { meta: { dataLocation: string } | null; onCreated: (s: SessionInfo) => void }) {
  const [email, setEmail] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorInfo | null>(null);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (busy) return;
    if (!passwordRulesMet(password)) {
      setError({ code: 'PASSWORD_RULES', message: 'The password does not meet the rules yet.', hint: 'Every item in the list below must be ticked.' });
      return;
    }
    if (password !== confirm) {
      setError({ code: 'PASSWORD_MISMATCH', message: 'The two passwords differ.', hint: 'Type the same password in both fields.' });
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const session = await call('setup.createFirstAdmin', { email: email.trim(), displayName: displayName.trim(), password });
      onCreated(session);
    } catch (err) {
      setError(toErrorInfo(err));
      setBusy(false);
    }
  }

  return (
    <form className="auth-form" data-testid="setup-form" onSubmit={submit} noValidate>
      <h1 className="auth-form__title">Create the first admin</h1>
      <p className="auth-form__lead">
        This console has no staff accounts yet. The first account is an admin; it can then create accounts for colleagues.
        {meta ? (
          <>
            {' '}
            Data is kept in <code className="code">{meta.dataLocation}</code>.
          </>
        ) : null}
      </p>
      <Field label="E-mail" type="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.target.value)} autoFocus />
      <Field label="Display name" type="text" autoComplete="name" required maxLength={120} value={displayName} onChange={(e) => setDisplayName(e.target.value)} />
      <Field label="Password" type="password" autoComplete="new-password" required value={password} onChange={(e) => setPassword(e.target.value)} aria-describedby="password-rules" />
      <Field label="Confirm password" type="password" autoComplete="new-password" required value={confirm} onChange={(e) => setConfirm(e.target.value)} />
      <PasswordChecklist password={password} confirm={confirm} />
      {error ? <ErrorMessage error={error} /> : null}
      <button type="submit" className="button button--primary button--block" disabled={busy}>
        {busy ? 'Creating…' : 'Create admin and sign in'}
      </button>
    </form>
  );
}
