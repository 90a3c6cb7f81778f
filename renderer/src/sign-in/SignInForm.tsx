import { useState, type FormEvent } from 'react';
import { call, toErrorInfo, type ErrorInfo, type OpOutput, type SessionLost } from '../api/client';
import { ErrorMessage } from '../ui/ErrorMessage';
import { Field } from '../ui/Field';

type SessionInfo = OpOutput<'session.signIn'>;

/**
 * Sign-in. The server's refusal is shown as written ("account locked until …" and
 * what to do): the lockout policy lives there, not here.
 */
export function SignInForm({ notice, onSignedIn, onNeedsSetup }: { notice: SessionLost | null; onSignedIn: (s: SessionInfo) => void; onNeedsSetup: () => void }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorInfo | null>(null);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (busy) return;
    setBusy(true);
    setError(null);
    try {
      const session = await call('session.signIn', { email: email.trim(), password });
      onSignedIn(session);
    } catch (err) {
      const info = toErrorInfo(err);
      if (info.code === 'SETUP_REQUIRED') return onNeedsSetup();
      setError(info);
      setPassword('');
      setBusy(false);
    }
  }

  return (
    <form className="auth-form" data-testid="signin-form" onSubmit={submit} noValidate>
      <h1 className="auth-form__title">Sign in</h1>
      {notice && !error ? (
        <div className="notice" role="status">
          <p>{notice.message}</p>
          {notice.hint ? <p className="notice__hint">{notice.hint}</p> : null}
        </div>
      ) : null}
      <Field label="E-mail" type="email" autoComplete="username" required testId="signin-email" value={email} onChange={(e) => setEmail(e.target.value)} autoFocus />
      <Field label="Password" type="password" autoComplete="current-password" required testId="signin-password" value={password} onChange={(e) => setPassword(e.target.value)} />
      {error ? <ErrorMessage error={error} /> : null}
      <button type="submit" className="button button--primary button--block" data-testid="signin-submit" disabled={busy}>
        {busy ? 'Signing in…' : 'Sign in'}
      </button>
    </form>
  );
}
