/**
 * The desktop app's database connections screen, answered by the main process
 * (issue 8; a host feature, CONVENTIONS.md §17): which PostgreSQL URL variables
 * custos.json names, whether a URL is stored in the OS keychain for each, and
 * storing, replacing or forgetting one.
 *
 * Who may: while the core runs, only an admin signed in to the console window;
 * when the core could not start (typically because this very URL is missing),
 * nobody can sign in, so the person at this desktop may (the OS account owns the
 * keychain and could set the environment variable anyway). Either way every change
 * is confirmed in a native dialog, which a compromised renderer cannot click.
 *
 * What it answers never contains a URL or a password: host, port, database, user,
 * TLS mode, and the encryption backend.
 */
import { CredentialStoreError, type CredentialStore, type StartupCredentials } from './credential-store';
import type { ConnectionsRequest } from './ipc-guard';

/** The core's answers (app/api: readConnectionTargets, checkPostgresUrl), carried over the utility process. */
export interface ErrorLike {
  code: string;
  message: string;
  hint?: string;
}
export type ConnectionPurpose = 'control-plane' | 'tenant-databases';
export type TargetsAnswer = { ok: true; targets: Array<{ variable: string; purpose: ConnectionPurpose }> } | { ok: false; error: ErrorLike };
export interface UrlFacts {
  host: string;
  port: number;
  database: string | null;
  user: string | null;
  tls: 'off' | 'encrypt-only' | 'verify-ca' | 'verify-full';
  local: boolean;
  display: string;
}
export type UrlCheckAnswer = { ok: true; facts: UrlFacts } | { ok: false; error: ErrorLike };

export type CoreState = 'starting' | 'running' | 'failed';

export interface Confirmation {
  title: string;
  message: string;
  detail: string;
  /** Button labels; the last one cancels. */
  buttons: string[];
}

export interface ConnectionsHostDeps {
  store: CredentialStore;
  /** The environment the core inherits (main's own). */
  env: NodeJS.ProcessEnv;
  /** What was handed to the core at this start. */
  startup: StartupCredentials;
  coreState(): CoreState;
  targets(): Promise<TargetsAnswer>;
  checkUrl(url: string): Promise<UrlCheckAnswer>;
  /** The console window's signed-in staff member (null: nobody, or a password change is pending). */
  consoleStaff(): Promise<{ roles: readonly string[] } | null>;
  /** A native dialog; resolves to the index of the button clicked. */
  confirm(c: Confirmation): Promise<number>;
  /** Quit and start again (only after the person chose it in the native dialog). */
  restart(): void;
}

export type HostEnvelope<T> = { ok: true; value: T } | { ok: false; error: ErrorLike };

export interface ConnectionView {
  variable: string;
  /** Null: stored, but custos.json no longer names this variable. */
  purpose: ConnectionPurpose | null;
  stored: { ok: true; host: string; port: number; database: string | null; user: string | null; tls: UrlFacts['tls'] } | { ok: false; message: string; hint?: string } | null;
  /** Set in the environment: it wins over the stored URL. */
  environmentSet: boolean;
  /** Where the running core took this variable from at start. */
  atStart: 'keychain' | 'environment' | 'none';
  /** Stored, replaced or forgotten since this start: restart to use it. */
  changedSinceStart: boolean;
}

export interface ConnectionsStatus {
  mode: 'running' | 'recovery';
  backend: { name: string; label: string };
  canStore: boolean;
  refusal: ErrorLike | null;
  storeProblem: ErrorLike | null;
  configProblem: ErrorLike | null;
  connections: ConnectionView[];
}

export type SaveResult = { saved: boolean; restarting: boolean };

const PURPOSE_TEXT: Record<ConnectionPurpose, string> = {
  'control-plane': 'the control plane',
  'tenant-databases': 'the PostgreSQL server of tenant databases',
};

const TLS_TEXT: Record<UrlFacts['tls'], string> = {
  'verify-full': 'TLS verify-full (certificate and host name checked)',
  'verify-ca': 'TLS verify-ca (this machine only)',
  'encrypt-only': 'TLS without certificate check (this machine only)',
  off: 'no TLS (this machine only)',
};

function isSet(v: string | undefined): boolean {
  return v !== undefined && v.trim() !== '';
}

function fail(code: string, message: string, hint?: string): HostEnvelope<never> {
  return { ok: false, error: { code, message, ...(hint ? { hint } : {}) } };
}

function errorOf(e: unknown): ErrorLike {
  if (e instanceof CredentialStoreError) return { code: e.code, message: e.message, hint: e.hint };
  // Anything else (a file system error) is reported by code only: messages could carry paths we did not choose to show.
  const code = (e as NodeJS.ErrnoException | null)?.code;
  return { code: 'INTERNAL', message: `The stored database connections could not be changed${code ? ` (${code})` : ''}.`, hint: 'Try again; check that the Custos folder in your user profile is writable.' };
}

export function describeFacts(f: UrlFacts): string {
  const who = f.user ? `user ${f.user}` : 'no user named (the OS user)';
  return `${f.host}:${f.port}/${f.database ?? ''} — ${who} — ${TLS_TEXT[f.tls]}`;
}

export class ConnectionsHost {
  private readonly changed = new Set<string>();
  constructor(private readonly deps: ConnectionsHostDeps) {}

  /** Answers one parsed request (the channel has checked the sender and parsed the payload). */
  async handle(request: ConnectionsRequest): Promise<HostEnvelope<unknown>> {
    const refused = await this.authorize();
    if (refused) return refused;
    try {
      switch (request.action) {
        case 'status':
          return { ok: true, value: await this.status() };
        case 'save':
          return await this.save(request.variable, request.url);
        case 'forget':
          return await this.forget(request.variable);
        case 'remove-unreadable':
          return await this.removeUnreadable();
      }
    } catch (e) {
      return { ok: false, error: errorOf(e) };
    }
  }

  private async authorize(): Promise<HostEnvelope<never> | null> {
    const state = this.deps.coreState();
    if (state === 'starting') return fail('CORE_STARTING', 'The console is still starting.', 'Try again in a moment.');
    if (state === 'failed') return null; // recovery: nobody can sign in; changes are confirmed natively
    let staff: { roles: readonly string[] } | null;
    try {
      staff = await this.deps.consoleStaff();
    } catch {
      staff = null;
    }
    if (!staff) return fail('FORBIDDEN', 'Only an admin signed in to the console window can see or change the database connections.', 'Sign in to the console window as an admin, then open File > Database connections… again.');
    if (!staff.roles.includes('admin')) return fail('FORBIDDEN', 'Only an admin can see or change the database connections.', 'Ask an admin to do it, or set the environment variable on this computer.');
    return null;
  }

  async status(): Promise<ConnectionsStatus> {
    const { store, env, startup } = this.deps;
    const refusal = store.refusal();
    let stored: Record<string, string> = {};
    let storeProblem: ErrorLike | null = null;
    try {
      stored = store.read();
    } catch (e) {
      storeProblem = errorOf(e);
    }
    const targets = await this.deps.targets();
    const named = targets.ok ? targets.targets : [];
    const variables = [...named.map((t) => t.variable), ...Object.keys(stored).filter((v) => !named.some((t) => t.variable === v)).sort()];
    const connections: ConnectionView[] = [];
    for (const variable of variables) {
      const url = Object.prototype.hasOwnProperty.call(stored, variable) ? stored[variable] : undefined;
      let view: ConnectionView['stored'] = null;
      if (url !== undefined) {
        const c = await this.deps.checkUrl(url);
        view = c.ok
          ? { ok: true, host: c.facts.host, port: c.facts.port, database: c.facts.database, user: c.facts.user, tls: c.facts.tls }
          : { ok: false, message: c.error.message, ...(c.error.hint ? { hint: c.error.hint } : {}) };
      }
      connections.push({
        variable,
        purpose: named.find((t) => t.variable === variable)?.purpose ?? null,
        stored: view,
        environmentSet: isSet(env[variable]),
        atStart: startup.fromStore.includes(variable) ? 'keychain' : isSet(env[variable]) ? 'environment' : 'none',
        changedSinceStart: this.changed.has(variable),
      });
    }
    return {
      mode: this.deps.coreState() === 'failed' ? 'recovery' : 'running',
      backend: store.backend(),
      canStore: refusal === null,
      refusal: refusal ? { code: refusal.code, message: refusal.message, hint: refusal.hint } : null,
      storeProblem,
      configProblem: targets.ok ? null : targets.error,
      connections,
    };
  }

  private async save(variable: string, url: string): Promise<HostEnvelope<SaveResult>> {
    const { store, env } = this.deps;
    const refusal = store.refusal();
    if (refusal) return fail(refusal.code, refusal.message, refusal.hint);
    const targets = await this.deps.targets();
    if (!targets.ok) return { ok: false, error: targets.error };
    const target = targets.targets.find((t) => t.variable === variable);
    if (!target) {
      return fail('INVALID_INPUT', `custos.json does not name ${variable} for a PostgreSQL URL, so Custos would never read it.`, 'Choose one of the variables listed, or name this one in custos.json (controlPlane.urlEnv or tenantDatabases.postgres.urlEnv) first.');
    }
    // The one transport policy (tls.policy.ts), run by the core exactly as at start.
    const check = await this.deps.checkUrl(url);
    if (!check.ok) return { ok: false, error: check.error };
    // Before asking: an unreadable file cannot be added to (save would throw after the click).
    store.read();

    const envNote = isSet(env[variable]) ? `\n\n${variable} is also set in the environment, and the environment wins: the stored URL is used only when it is not set.` : '';
    const choice = await this.deps.confirm({
      title: 'Store the database connection',
      message: `Store this URL for ${PURPOSE_TEXT[target.purpose]} (${variable}) in the OS keychain?`,
      detail: `${describeFacts(check.facts)}\nEncrypted with: ${store.backend().label}.\n\nCustos reads it when it starts, so it must restart to use it.${envNote}`,
      buttons: ['Store and restart Custos', 'Store, restart later', 'Cancel'],
    });
    if (choice !== 0 && choice !== 1) return { ok: true, value: { saved: false, restarting: false } };
    store.save(variable, url);
    this.changed.add(variable);
    const restarting = choice === 0;
    // After the answer has gone back to the screen.
    if (restarting) setTimeout(() => this.deps.restart(), 150);
    return { ok: true, value: { saved: true, restarting } };
  }

  private async forget(variable: string): Promise<HostEnvelope<{ forgotten: boolean }>> {
    const { store, env } = this.deps;
    const stored = store.read();
    if (!Object.prototype.hasOwnProperty.call(stored, variable)) return { ok: true, value: { forgotten: false } };
    const after = isSet(env[variable]) ? `After a restart Custos uses ${variable} from the environment.` : `After a restart Custos has no URL for ${variable} unless it is set in the environment, and will not start if custos.json still needs it.`;
    const choice = await this.deps.confirm({
      title: 'Forget the database connection',
      message: `Forget the URL stored for ${variable}?`,
      detail: `${after}\nThe running console keeps its current connection until then.`,
      buttons: ['Forget', 'Cancel'],
    });
    if (choice !== 0) return { ok: true, value: { forgotten: false } };
    const forgotten = store.forget(variable);
    if (forgotten) this.changed.add(variable);
    return { ok: true, value: { forgotten } };
  }

  private async removeUnreadable(): Promise<HostEnvelope<{ removed: boolean }>> {
    const { store } = this.deps;
    if (!store.exists()) return { ok: true, value: { removed: false } };
    try {
      store.read();
      return fail('INVALID_INPUT', 'The stored connections can be read, so nothing was removed.', 'Forget a connection one by one instead.');
    } catch (e) {
      if (!(e instanceof CredentialStoreError) || e.code !== 'CREDENTIALS_UNREADABLE') throw e;
    }
    const choice = await this.deps.confirm({
      title: 'Remove the unreadable connections file',
      message: 'Remove the stored database connections that cannot be read?',
      detail: `${store.path}\n\nNothing in it can be recovered with this account's keychain. Store the URLs again afterwards, or set the environment variables.`,
      buttons: ['Remove', 'Cancel'],
    });
    if (choice !== 0) return { ok: true, value: { removed: false } };
    store.removeFile();
    return { ok: true, value: { removed: true } };
  }
}
