/**
 * The signed-in staff member's own account (issue 3): change password, and sign out
 * on every desktop at once (a lost laptop). Lives in the top bar.
 */
import { useEffect, useId, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { call, toErrorInfo, type ErrorInfo } from '../api/client';
import { useToasts } from '../shell/toasts';
import { ErrorMessage } from '../ui/ErrorMessage';
import { Field } from '../ui/Field';
import { ModalDialog } from '../ui/ModalDialog';
import { PasswordChecklist } from '../ui/PasswordChecklist';
import { passwordRulesMet } from '../ui/password-rules';
import type { SessionInfo } from './session-context';
import { roleLabel } from './staff-roles';
import './staff.css';

export function AccountMenu({ session, onSignedOut }: { session: SessionInfo; onSignedOut: () => void }) {
  const staff = session.staff;
  const [open, setOpen] = useState(false);
  const [dialog, setDialog] = useState<'password' | 'everywhere' | null>(null);
  const menuId = useId();
  const root = useRef<HTMLDivElement>(null);
  const trigger = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    if (!open) return;
    const first = root.current?.querySelector<HTMLElement>('[role="menuitem"]');
    first?.focus();
    const away = (e: MouseEvent) => {
      if (root.current && !root.current.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('mousedown', away);
    return () => document.removeEventListener('mousedown', away);
  }, [open]);

  const onMenuKey = (e: KeyboardEvent<HTMLDivElement>) => {
    const items = [...(root.current?.querySelectorAll<HTMLElement>('[role="menuitem"]') ?? [])];
    const i = items.indexOf(document.activeElement as HTMLElement);
    if (e.key === 'Escape') {
      e.preventDefault();
      setOpen(false);
      trigger.current?.focus();
    } else if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      const next = items[(i + (e.key === 'ArrowDown' ? 1 : items.length - 1)) % items.length];
      next?.focus();
    } else if (e.key === 'Tab') {
      setOpen(false);
    }
  };

  const choose = (d: 'password' | 'everywhere') => {
    setOpen(false);
    setDialog(d);
  };

  return (
    <div className="account" ref={root} onKeyDown={open ? onMenuKey : undefined}>
      <button
        ref={trigger}
        type="button"
        className="account__trigger who"
        data-testid="account-menu"
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls={open ? menuId : undefined}
        title={staff.email}
        onClick={() => setOpen((o) => !o)}
      >
        <span className="who__name">{staff.displayName}</span>
        <span className="who__roles">
          {staff.roles.map((r) => (
            <span key={r} className="role-chip">
              {roleLabel(r)}
            </span>
          ))}
        </span>
        <span className="account__caret" aria-hidden="true">
          ▾
        </span>
      </button>
      {open ? (
        <div className="menu" role="menu" id={menuId} aria-label="Your account">
          <div className="menu__header" role="presentation">
            <span className="menu__name">{staff.displayName}</span>
            <span className="menu__email">{staff.email}</span>
          </div>
          <button type="button" role="menuitem" className="menu__item" data-testid="account-change-password" onClick={() => choose('password')}>
            Change password…
          </button>
          <button type="button" role="menuitem" className="menu__item" data-testid="account-signout-everywhere" onClick={() => choose('everywhere')}>
            Sign out everywhere…
          </button>
        </div>
      ) : null}
      {dialog === 'password' ? <ChangeOwnPasswordDialog email={staff.email} onClose={() => setDialog(null)} /> : null}
      {dialog === 'everywhere' ? <SignOutEverywhereDialog onClose={() => setDialog(null)} onSignedOut={onSignedOut} /> : null}
    </div>
  );
}

function ChangeOwnPasswordDialog({ email, onClose }: { email: string; onClose: () => void }) {
  const toasts = useToasts();
  const [current, setCurrent] = useState('');
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorInfo | null>(null);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (busy) return;
    if (!passwordRulesMet(password)) return setError({ code: 'PASSWORD_RULES', message: 'The new password does not meet the rules yet.', hint: 'Every item in the list must be ticked.' });
    if (password !== confirm) return setError({ code: 'PASSWORD_MISMATCH', message: 'The two new passwords differ.', hint: 'Type the same password in both fields.' });
    setBusy(true);
    setError(null);
    try {
      await call('session.changePassword', { currentPassword: current, newPassword: password });
      toasts.show('success', 'Your password was changed.', 'Use it the next time you sign in, on every desktop.');
      onClose();
    } catch (err) {
      setError(toErrorInfo(err));
      setBusy(false);
    }
  }

  return (
    <ModalDialog title="Change your password" onClose={onClose} testId="change-password-dialog">
      <form className="dialog-form" onSubmit={submit} noValidate>
        {/* Lets password managers file the change under the right account. */}
        <input type="email" className="visually-hidden" autoComplete="username" value={email} readOnly tabIndex={-1} aria-hidden="true" />
        <Field label="Current password" type="password" autoComplete="current-password" required testId="change-password-current" value={current} onChange={(e) => setCurrent(e.target.value)} data-autofocus />
        <Field label="New password" type="password" autoComplete="new-password" required testId="change-password-new" value={password} onChange={(e) => setPassword(e.target.value)} aria-describedby="password-rules" />
        <Field label="Confirm new password" type="password" autoComplete="new-password" required testId="change-password-confirm" value={confirm} onChange={(e) => setConfirm(e.target.value)} />
        <PasswordChecklist password={password} confirm={confirm} />
        {error ? <ErrorMessage error={error} /> : null}
        <div className="dialog-form__actions">
          <button type="button" className="button button--ghost" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="button button--primary" data-testid="change-password-submit" disabled={busy}>
            {busy ? 'Saving…' : 'Change password'}
          </button>
        </div>
      </form>
    </ModalDialog>
  );
}

function SignOutEverywhereDialog({ onClose, onSignedOut }: { onClose: () => void; onSignedOut: () => void }) {
  const toasts = useToasts();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorInfo | null>(null);

  async function confirm() {
    setBusy(true);
    setError(null);
    try {
      const { ended } = await call('session.signOutEverywhere', {});
      toasts.show('success', ended === 1 ? 'Your session was ended.' : `${ended} sessions were ended, this one included.`);
      onSignedOut();
    } catch (err) {
      const info = toErrorInfo(err);
      if (info.code === 'NOT_SIGNED_IN' || info.code === 'SESSION_EXPIRED') return onSignedOut();
      setError(info);
      setBusy(false);
    }
  }

  return (
    <ModalDialog title="Sign out everywhere?" onClose={onClose} testId="signout-everywhere-dialog">
      <div className="dialog-form">
        <p className="dialog-form__lead">Every session of your account ends now, on this desktop and on any other (a lost or shared computer). You then sign in again here.</p>
        {error ? <ErrorMessage error={error} /> : null}
        <div className="dialog-form__actions">
          <button type="button" className="button button--ghost" onClick={onClose}>
            Cancel
          </button>
          <button type="button" className="button button--danger" data-testid="signout-everywhere-confirm" disabled={busy} onClick={() => void confirm()}>
            {busy ? 'Signing out…' : 'Sign out everywhere'}
          </button>
        </div>
      </div>
    </ModalDialog>
  );
}
