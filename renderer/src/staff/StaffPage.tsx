/**
 * Staff accounts (issue 3, admins only): who may use the console, with which roles,
 * whether they are locked out or disabled. The server enforces the role matrix; a
 * non-admin who opens this address sees its refusal, not an empty table.
 */
import { useCallback, useEffect, useState } from 'react';
import { call, toErrorInfo, type ErrorInfo } from '../api/client';
import { useToasts } from '../shell/toasts';
import { DateText } from '../ui/DateText';
import { ErrorMessage } from '../ui/ErrorMessage';
import { Spinner } from '../ui/Spinner';
import { formatCount, formatDateTime, plural, utcTitle } from '../ui/format';
import { AddStaffDialog, ResetPasswordDialog, RolesDialog, StatusDialog, type StaffView } from './StaffDialogs';
import { useSession } from './session-context';
import { isLocked, roleLabel } from './staff-roles';
import './staff.css';

type Loadable<T> = { state: 'loading' } | { state: 'ok'; value: T } | { state: 'error'; error: ErrorInfo };
type Dialog = { kind: 'add' } | { kind: 'roles' | 'status' | 'reset'; staff: StaffView } | null;

/** Locks end by themselves: re-render often enough that "Locked" does not outlive the lock. */
function useNow(everyMs: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(t);
  }, [everyMs]);
  return now;
}

/** "14:05" for a lock that ends today, the date too otherwise (locks escalate). */
function lockEnd(iso: string | null, now: number): string {
  if (!iso) return '–';
  const end = new Date(iso);
  const today = new Date(now);
  return end.toDateString() === today.toDateString() ? end.toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }) : formatDateTime(iso);
}

export function StaffPage() {
  const session = useSession();
  const myId = session?.staff.id ?? null;
  const toasts = useToasts();
  const now = useNow(15_000);
  const [list, setList] = useState<Loadable<StaffView[]>>({ state: 'loading' });
  const [dialog, setDialog] = useState<Dialog>(null);
  const [unlocking, setUnlocking] = useState<string | null>(null);

  const load = useCallback(async () => {
    try {
      const rows = await call('staff.list', {});
      setList({ state: 'ok', value: rows });
    } catch (e) {
      setList({ state: 'error', error: toErrorInfo(e) });
    }
  }, []);

  useEffect(() => {
    document.title = 'Staff · Custos';
    void load();
    return () => {
      document.title = 'Custos';
    };
  }, [load]);

  const replace = useCallback((s: StaffView) => {
    setList((l) => {
      if (l.state !== 'ok') return l;
      const known = l.value.some((x) => x.id === s.id);
      return { state: 'ok', value: known ? l.value.map((x) => (x.id === s.id ? s : x)) : [...l.value, s] };
    });
  }, []);

  async function unlock(s: StaffView) {
    setUnlocking(s.id);
    try {
      replace(await call('staff.unlock', { staffId: s.id }));
      toasts.show('success', `${s.displayName} can sign in again.`);
    } catch (e) {
      const info = toErrorInfo(e);
      toasts.show('error', info.message, info.hint);
    } finally {
      setUnlocking(null);
    }
  }

  const rows = list.state === 'ok' ? [...list.value].sort((a, b) => a.displayName.localeCompare(b.displayName) || a.email.localeCompare(b.email)) : [];
  const admins = rows.filter((s) => s.status === 'active' && s.roles.includes('admin')).length;
  const locked = rows.filter((s) => isLocked(s.lockedUntil, now)).length;

  return (
    <section className="staff-page" aria-labelledby="staff-title">
      <header className="page-header">
        <div>
          <h1 className="page-title" id="staff-title">
            Staff
          </h1>
          <p className="page-subtitle">
            {list.state === 'ok'
              ? `${plural(rows.length, 'account')} · ${plural(admins, 'active admin')}${locked ? ` · ${formatCount(locked)} locked` : ''}`
              : list.state === 'loading'
                ? 'Loading…'
                : '—'}
          </p>
        </div>
        {list.state === 'ok' ? (
          <button type="button" className="button button--primary" data-testid="staff-add" onClick={() => setDialog({ kind: 'add' })}>
            Add staff member
          </button>
        ) : null}
      </header>

      {list.state === 'loading' ? (
        <Spinner label="Loading staff accounts…" />
      ) : list.state === 'error' ? (
        <ErrorMessage error={list.error} title={list.error.code === 'FORBIDDEN' ? 'Staff accounts are for admins' : 'The staff accounts could not be loaded'}>
          {list.error.code === 'FORBIDDEN' ? null : (
            <button type="button" className="button button--small" onClick={() => void load()}>
              Try again
            </button>
          )}
        </ErrorMessage>
      ) : (
        <div className="panel table-wrap">
          <table className="table staff-table" data-testid="staff-table">
            <thead>
              <tr>
                <th scope="col">Staff member</th>
                <th scope="col">Roles</th>
                <th scope="col">Status</th>
                <th scope="col">Sign-in lock</th>
                <th scope="col">Last sign-in</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((s) => {
                const self = s.id === myId;
                const lockedNow = isLocked(s.lockedUntil, now);
                return (
                  <tr key={s.id} data-testid="staff-row" data-email={s.email} data-status={s.status} className={s.status === 'disabled' ? 'staff-row--disabled' : undefined}>
                    <td>
                      <div className="cell-stack">
                        <span className="staff-name">
                          {s.displayName}
                          {self ? <span className="you-chip">you</span> : null}
                        </span>
                        <span className="cell-stack__sub">{s.email}</span>
                      </div>
                    </td>
                    <td>
                      <span className="chips">
                        {s.roles.map((r) => (
                          <span key={r} className="role-chip" data-role={r}>
                            {roleLabel(r)}
                          </span>
                        ))}
                      </span>
                    </td>
                    <td>
                      <span className="chips">
                        <span className={s.status === 'active' ? 'badge badge--state-ok' : 'badge badge--state-off'}>{s.status === 'active' ? 'Active' : 'Disabled'}</span>
                        {s.mustChangePassword ? (
                          <span className="badge badge--state-warn" title="Signed in with a temporary password; must choose their own before anything else">
                            Must change password
                          </span>
                        ) : null}
                      </span>
                    </td>
                    <td>
                      {lockedNow ? (
                        <span className="lock-cell">
                          <span className="badge badge--state-bad" title={utcTitle(s.lockedUntil)}>
                            Locked until {lockEnd(s.lockedUntil, now)}
                          </span>
                          <button type="button" className="button button--small" data-testid="staff-unlock" disabled={unlocking === s.id} onClick={() => void unlock(s)}>
                            {unlocking === s.id ? 'Unlocking…' : 'Unlock'}
                          </button>
                        </span>
                      ) : (
                        <span className="muted">Not locked</span>
                      )}
                      <span
                        className={s.failedAttempts > 0 ? 'lock-cell__failed lock-cell__failed--some' : 'lock-cell__failed'}
                        data-testid="staff-failed-attempts"
                        data-count={s.failedAttempts}
                        title="Consecutive failed sign-ins since the last successful one"
                      >
                        {plural(s.failedAttempts, 'failed attempt')}
                      </span>
                    </td>
                    <td>
                      <DateText iso={s.lastSignInAt} withTime empty="never" />
                    </td>
                    <td>
                      <span className="row-actions">
                        <button type="button" className="button button--small button--ghost" data-testid="staff-roles" onClick={() => setDialog({ kind: 'roles', staff: s })}>
                          Roles…
                        </button>
                        <button
                          type="button"
                          className="button button--small button--ghost"
                          data-testid="staff-reset"
                          disabled={self}
                          title={self ? 'Use "Change password" in your account menu' : undefined}
                          onClick={() => setDialog({ kind: 'reset', staff: s })}
                        >
                          Reset password…
                        </button>
                        {s.status === 'active' ? (
                          <button
                            type="button"
                            className="button button--small button--ghost button--ghost-danger"
                            data-testid="staff-disable"
                            disabled={self}
                            title={self ? 'You cannot disable your own account' : undefined}
                            onClick={() => setDialog({ kind: 'status', staff: s })}
                          >
                            Disable…
                          </button>
                        ) : (
                          <button type="button" className="button button--small button--ghost" data-testid="staff-enable" onClick={() => setDialog({ kind: 'status', staff: s })}>
                            Enable…
                          </button>
                        )}
                      </span>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}

      {dialog?.kind === 'add' ? (
        <AddStaffDialog
          onClose={() => setDialog(null)}
          onCreated={replace}
        />
      ) : dialog?.kind === 'roles' ? (
        <RolesDialog
          staff={dialog.staff}
          isSelf={dialog.staff.id === myId}
          onClose={() => setDialog(null)}
          onSaved={(s) => {
            replace(s);
            setDialog(null);
            toasts.show('success', `${s.displayName} now has: ${s.roles.map(roleLabel).join(', ')}.`);
            // Own roles changed: the navigation and every screen must follow what the server now allows.
            if (s.id === myId) window.location.reload();
          }}
        />
      ) : dialog?.kind === 'status' ? (
        <StatusDialog
          staff={dialog.staff}
          onClose={() => setDialog(null)}
          onSaved={(s) => {
            replace(s);
            setDialog(null);
            toasts.show('success', s.status === 'disabled' ? `${s.displayName} is disabled and was signed out everywhere.` : `${s.displayName} can sign in again.`);
          }}
        />
      ) : dialog?.kind === 'reset' ? (
        <ResetPasswordDialog
          staff={dialog.staff}
          onClose={() => setDialog(null)}
          onSaved={replace}
        />
      ) : null}
    </section>
  );
}
