/**
 * Where the console is in its life: first run, sign-in, a forced password change, or
 * signed in. The server decides each step (setup.status, session.current); this
 * component only follows it, and goes back to sign-in whenever the session is lost.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { call, onSessionLost, toErrorInfo, type ErrorInfo, type OpOutput, type SessionLost } from '../api/client';
import { ConnectionsScreen, isConnectionsRoute } from '../connections';
import { FirstAdminForm } from '../setup';
import { ChangePasswordForm, SignInForm } from '../sign-in';
import { ErrorMessage } from '../ui/ErrorMessage';
import { Spinner } from '../ui/Spinner';
import { Shell } from './Shell';
import { ToastProvider, useToasts } from './toasts';

export type SessionInfo = NonNullable<OpOutput<'session.current'>>;
export type ConsoleMeta = Omit<OpOutput<'setup.status'>, 'needsFirstAdmin'>;

type Phase =
  | { kind: 'loading' }
  | { kind: 'boot-error'; error: ErrorInfo }
  | { kind: 'setup' }
  | { kind: 'sign-in'; notice: SessionLost | null }
  | { kind: 'change-password'; session: SessionInfo }
  | { kind: 'console'; session: SessionInfo };

export function App() {
  // The desktop app's File > Database connections… window (never the web host: no bridge, no route).
  if (isConnectionsRoute(window.location.hash)) return <ConnectionsScreen />;
  return (
    <ToastProvider>
      <Lifecycle />
    </ToastProvider>
  );
}

function Lifecycle() {
  const [phase, setPhase] = useState<Phase>({ kind: 'loading' });
  const [meta, setMeta] = useState<ConsoleMeta | null>(null);
  const phaseRef = useRef(phase);
  useEffect(() => {
    phaseRef.current = phase;
  }, [phase]);
  // Whoever signs in next does not see the last staff member's notices.
  const { clear: clearToasts } = useToasts();
  useEffect(() => {
    if (phase.kind === 'sign-in' || phase.kind === 'setup') clearToasts();
  }, [phase.kind, clearToasts]);

  const enter = useCallback((session: SessionInfo) => {
    setPhase(session.staff.mustChangePassword ? { kind: 'change-password', session } : { kind: 'console', session });
  }, []);

  const boot = useCallback(async () => {
    setPhase({ kind: 'loading' });
    try {
      const status = await call('setup.status', {});
      setMeta({ dataLocation: status.dataLocation, productVersion: status.productVersion });
      if (status.needsFirstAdmin) return setPhase({ kind: 'setup' });
      const session = await call('session.current', {});
      if (session) enter(session);
      else setPhase({ kind: 'sign-in', notice: null });
    } catch (e) {
      setPhase({ kind: 'boot-error', error: toErrorInfo(e) });
    }
  }, [enter]);

  useEffect(() => {
    void boot();
  }, [boot]);

  // A NOT_SIGNED_IN/SESSION_EXPIRED answer or a session-ended event: back to sign-in, saying why.
  useEffect(
    () =>
      onSessionLost((info) => {
        const k = phaseRef.current.kind;
        if (k === 'console' || k === 'change-password') setPhase({ kind: 'sign-in', notice: info });
      }),
    [],
  );

  const signedOut = useCallback(() => setPhase({ kind: 'sign-in', notice: { message: 'You signed out.' } }), []);

  switch (phase.kind) {
    case 'loading':
      return (
        <main className="center-screen">
          <Spinner label="Starting the console…" />
        </main>
      );
    case 'boot-error':
      return (
        <main className="center-screen">
          <div className="auth-card">
            <Brand meta={meta} />
            <ErrorMessage error={phase.error} title="The console could not start">
              <button type="button" className="button" onClick={() => void boot()}>
                Try again
              </button>
            </ErrorMessage>
          </div>
        </main>
      );
    case 'setup':
      return (
        <main className="center-screen">
          <div className="auth-card auth-card--wide">
            <Brand meta={meta} />
            <FirstAdminForm meta={meta} onCreated={enter} />
          </div>
        </main>
      );
    case 'sign-in':
      return (
        <main className="center-screen">
          <div className="auth-card">
            <Brand meta={meta} />
            <SignInForm notice={phase.notice} onSignedIn={enter} onNeedsSetup={() => setPhase({ kind: 'setup' })} />
          </div>
        </main>
      );
    case 'change-password':
      return (
        <main className="center-screen">
          <div className="auth-card auth-card--wide">
            <Brand meta={meta} />
            <ChangePasswordForm session={phase.session} onChanged={enter} onSignedOut={signedOut} />
          </div>
        </main>
      );
    case 'console':
      return <Shell session={phase.session} meta={meta} onSignedOut={signedOut} />;
  }
}

function Brand({ meta }: { meta: ConsoleMeta | null }) {
  return (
    <div className="brand brand--auth">
      <img className="brand__mark" src="./favicon.svg" alt="" width={28} height={28} />
      <span className="brand__name">Custos</span>
      {meta ? <span className="brand__version">{meta.productVersion}</span> : null}
    </div>
  );
}
