/**
 * The admin's actions on staff accounts (issue 3): create, change roles, disable or
 * enable, reset the password. Each is one contract operation; the server's refusal
 * (a breached password, the last admin, your own account) is shown as it wrote it.
 */
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { call, toErrorInfo, type ErrorInfo, type OpOutput } from '../api/client';
import { CopyButton } from '../ui/CopyButton';
import { ErrorMessage } from '../ui/ErrorMessage';
import { Field } from '../ui/Field';
import { ModalDialog } from '../ui/ModalDialog';
import { passwordRulesMet } from '../ui/password-rules';
import { RoleCheckboxes } from './RoleCheckboxes';
import { TemporaryPasswordField } from './TemporaryPasswordField';
import { roleLabel, sameRoles, type Role } from './staff-roles';

export type StaffView = OpOutput<'staff.list'>[number];

const RULES_UNMET: ErrorInfo = { code: 'PASSWORD_RULES', message: 'The temporary password does not meet the rules yet.', hint: 'Every item in the list must be ticked, or use "Generate".' };

/** After a password is set for someone else: what to tell them. */
function HandOver({ who, password, created, onDone }: { who: StaffView; password: string; created: boolean; onDone: () => void }) {
  const done = useRef<HTMLButtonElement>(null);
  // The form that had the focus is gone: keep the keyboard inside the dialog.
  useEffect(() => done.current?.focus(), []);
  return (
    <div className="dialog-form" data-testid="staff-password-handover">
      <div className="success-panel" role="status">
        <p className="success-panel__title">{created ? `Account created for ${who.displayName}.` : `Password reset for ${who.displayName}.`}</p>
        <p>
          Give <strong>{who.email}</strong> this temporary password over a separate channel (not the ticket). They must change it at their next sign-in
          {created ? '' : '; their open sessions were ended'}.
        </p>
        <div className="secret">
          <span className="secret__value" data-testid="staff-temporary-password">
            {password}
          </span>
          <CopyButton text={password} what="temporary password" />
        </div>
      </div>
      <div className="dialog-form__actions">
        <button ref={done} type="button" className="button button--primary" onClick={onDone}>
          Done
        </button>
      </div>
    </div>
  );
}

export function AddStaffDialog({ onClose, onCreated }: { onClose: () => void; onCreated: (s: StaffView) => void }) {
  const [email, setEmail] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [roles, setRoles] = useState<Role[]>(['support']);
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorInfo | null>(null);
  const [created, setCreated] = useState<StaffView | null>(null);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (busy) return;
    if (!email.trim() || !displayName.trim()) return setError({ code: 'INVALID_INPUT', message: 'Give the e-mail and the name.', hint: 'Both are needed to create an account.' });
    if (roles.length === 0) return setError({ code: 'INVALID_INPUT', message: 'Choose at least one role.', hint: 'Support is the usual starting point.' });
    if (!passwordRulesMet(password)) return setError(RULES_UNMET);
    setBusy(true);
    setError(null);
    try {
      const staff = await call('staff.create', { email: email.trim(), displayName: displayName.trim(), roles, temporaryPassword: password });
      onCreated(staff);
      setCreated(staff);
    } catch (err) {
      setError(toErrorInfo(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <ModalDialog title="Add staff member" onClose={onClose} testId="staff-add-dialog" wide>
      {created ? (
        <HandOver who={created} password={password} created onDone={onClose} />
      ) : (
        <form className="dialog-form" onSubmit={submit} noValidate>
          <Field label="E-mail" type="email" autoComplete="off" required maxLength={254} testId="staff-add-email" value={email} onChange={(e) => setEmail(e.target.value)} data-autofocus />
          <Field label="Name" type="text" autoComplete="off" required maxLength={120} testId="staff-add-name" value={displayName} onChange={(e) => setDisplayName(e.target.value)} />
          <RoleCheckboxes value={roles} onChange={setRoles} />
          <TemporaryPasswordField value={password} onChange={setPassword} testId="staff-add-password" />
          {error ? <ErrorMessage error={error} /> : null}
          <div className="dialog-form__actions">
            <button type="button" className="button button--ghost" onClick={onClose}>
              Cancel
            </button>
            <button type="submit" className="button button--primary" data-testid="staff-add-submit" disabled={busy}>
              {busy ? 'Creating…' : 'Create account'}
            </button>
          </div>
        </form>
      )}
    </ModalDialog>
  );
}

export function RolesDialog({ staff, isSelf, onClose, onSaved }: { staff: StaffView; isSelf: boolean; onClose: () => void; onSaved: (s: StaffView) => void }) {
  const [roles, setRoles] = useState<Role[]>(staff.roles);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorInfo | null>(null);
  const unchanged = sameRoles(roles, staff.roles);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (busy || unchanged) return;
    if (roles.length === 0) return setError({ code: 'INVALID_INPUT', message: 'Keep at least one role.', hint: 'To stop someone signing in, disable the account instead.' });
    setBusy(true);
    setError(null);
    try {
      onSaved(await call('staff.setRoles', { staffId: staff.id, roles }));
    } catch (err) {
      setError(toErrorInfo(err));
      setBusy(false);
    }
  }

  return (
    <ModalDialog title={`Roles of ${staff.displayName}`} onClose={onClose} testId="staff-roles-dialog">
      <form className="dialog-form" onSubmit={submit} noValidate>
        <p className="dialog-form__lead">
          {staff.email} · now {staff.roles.map(roleLabel).join(', ')}. The change applies to their open sessions at once.
        </p>
        <RoleCheckboxes value={roles} onChange={setRoles} />
        {isSelf ? <p className="notice">These are your own roles. The console reloads after saving, to show what they allow.</p> : null}
        {error ? <ErrorMessage error={error} /> : null}
        <div className="dialog-form__actions">
          <button type="button" className="button button--ghost" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="button button--primary" data-testid="staff-roles-submit" disabled={busy || unchanged}>
            {busy ? 'Saving…' : 'Save roles'}
          </button>
        </div>
      </form>
    </ModalDialog>
  );
}

export function StatusDialog({ staff, onClose, onSaved }: { staff: StaffView; onClose: () => void; onSaved: (s: StaffView) => void }) {
  const disabling = staff.status === 'active';
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorInfo | null>(null);

  async function confirm() {
    if (busy) return;
    setBusy(true);
    setError(null);
    try {
      onSaved(await call('staff.setStatus', { staffId: staff.id, status: disabling ? 'disabled' : 'active' }));
    } catch (err) {
      setError(toErrorInfo(err));
      setBusy(false);
    }
  }

  return (
    <ModalDialog title={disabling ? `Disable ${staff.displayName}?` : `Enable ${staff.displayName}?`} onClose={onClose} testId="staff-status-dialog">
      <div className="dialog-form">
        <p className="dialog-form__lead">
          {disabling ? (
            <>
              <strong>{staff.displayName}</strong> ({staff.email}) will be signed out on every desktop at once and can no longer sign in. Their audit records stay.
            </>
          ) : (
            <>
              <strong>{staff.displayName}</strong> ({staff.email}) will be able to sign in again with their current password.
            </>
          )}
        </p>
        {error ? <ErrorMessage error={error} /> : null}
        <div className="dialog-form__actions">
          <button type="button" className="button button--ghost" onClick={onClose} data-autofocus>
            Cancel
          </button>
          <button type="button" className={disabling ? 'button button--danger' : 'button button--primary'} data-testid="staff-status-confirm" disabled={busy} onClick={() => void confirm()}>
            {busy ? 'Saving…' : disabling ? `Disable ${staff.displayName}` : `Enable ${staff.displayName}`}
          </button>
        </div>
      </div>
    </ModalDialog>
  );
}

export function ResetPasswordDialog({ staff, onClose, onSaved }: { staff: StaffView; onClose: () => void; onSaved: (s: StaffView) => void }) {
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorInfo | null>(null);
  const [done, setDone] = useState<StaffView | null>(null);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (busy) return;
    if (!passwordRulesMet(password)) return setError(RULES_UNMET);
    setBusy(true);
    setError(null);
    try {
      const s = await call('staff.resetPassword', { staffId: staff.id, temporaryPassword: password });
      onSaved(s);
      setDone(s);
    } catch (err) {
      setError(toErrorInfo(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <ModalDialog title={`Reset the password of ${staff.displayName}`} onClose={onClose} testId="staff-reset-dialog" wide>
      {done ? (
        <HandOver who={done} password={password} created={false} onDone={onClose} />
      ) : (
        <form className="dialog-form" onSubmit={submit} noValidate>
          <p className="dialog-form__lead">
            {staff.email} gets a temporary password and must choose their own at the next sign-in. Their open sessions end now, and a sign-in lock is lifted.
          </p>
          <TemporaryPasswordField value={password} onChange={setPassword} testId="staff-reset-password" />
          {error ? <ErrorMessage error={error} /> : null}
          <div className="dialog-form__actions">
            <button type="button" className="button button--ghost" onClick={onClose}>
              Cancel
            </button>
            <button type="submit" className="button button--primary" data-testid="staff-reset-submit" disabled={busy}>
              {busy ? 'Resetting…' : 'Reset password'}
            </button>
          </div>
        </form>
      )}
    </ModalDialog>
  );
}
