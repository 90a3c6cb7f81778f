/**
 * The one dispatcher (ARCHITECTURE.md): session → role → input → domain → audit,
 * for every transport (Electron IPC, web host, CLI). Transports never check
 * anything themselves; they pass what they received and relay the envelope.
 */
import type { z } from 'zod';
import { contract, type OpName, type OpInput, type OpOutput, type OperationDef } from './contract';
import { isAllowed, type Role } from './roles';
import type { AuditActor, AuditOutcome } from '../audit/audit.chain';
import type { AuditLog } from '../audit/audit.service';
import type { Session, StaffService } from '../staff/staff.service';
import type { GrantsService } from '../access/grants.service';
import { CustosError, toErrorInfo, type Envelope } from '../shared/errors';

export type Transport = 'ipc' | 'http' | 'cli';

export interface CallContext {
  transport: Transport;
  /** Bearer token the transport holds for this window/browser (never from the renderer's storage). */
  sessionToken: string | null;
  /** CLI only: `system:<os-user>@<host>`, used for `system` operations without a session. */
  systemActor?: string;
}

export interface HandlerContext {
  session: Session | null;
  actor: AuditActor;
  transport: Transport;
  /** Sign-in / sign-out tell the transport which token to hold from now on. */
  setSessionToken(token: string | null): void;
  /** Extra audit facts learned while handling (tenant, grant, justification). */
  audit: { tenantId?: string | null; grantId?: string | null; justification?: { reason: string; ticket: string } | null; approvalIds?: string[]; extra?: Record<string, unknown> };
}

export type Handler<N extends OpName> = (input: z.output<(typeof contract)[N]['input']>, ctx: HandlerContext) => Promise<OpOutput<N>>;
export type Handlers = { [N in OpName]: Handler<N> };

export interface CallResult<T = unknown> {
  envelope: Envelope<T>;
  /** undefined: keep the token; string: hold this new token; null: drop it. */
  sessionToken?: string | null;
}

export interface DispatcherDeps {
  staff: StaffService;
  grants: GrantsService;
  audit: AuditLog;
  handlers: Handlers;
  /** Called when something unexpected is thrown, for the operator log (never customer data). */
  logError?: (op: string, e: unknown) => void;
}

function lookup(name: unknown): [OpName, OperationDef] | null {
  if (typeof name !== 'string' || !Object.prototype.hasOwnProperty.call(contract, name)) return null;
  return [name as OpName, (contract as Record<string, OperationDef>)[name]!];
}

function accessText(access: OperationDef['access']): string {
  if (access === 'public' || access === 'signed-in') return 'any signed-in staff member';
  return access.length === 1 ? `the ${access[0]} role` : `one of the roles ${access.join(', ')}`;
}

function zodIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((i) => `${i.path.length ? i.path.join('.') : 'input'}: ${i.message}`)
    .join('; ');
}

export class Dispatcher {
  constructor(private readonly deps: DispatcherDeps) {}

  /** Typed convenience for in-process callers (CLI, tests). */
  async call<N extends OpName>(ctx: CallContext, op: N, input: OpInput<N>): Promise<CallResult<OpOutput<N>>> {
    return (await this.dispatch(ctx, op, input)) as CallResult<OpOutput<N>>;
  }

  async dispatch(ctx: CallContext, opName: unknown, rawInput: unknown): Promise<CallResult> {
    const found = lookup(opName);
    if (!found) {
      // Not audited: an unknown name carries no tenant and would let a hostile
      // renderer write arbitrary strings into the log.
      return { envelope: { ok: false, error: { code: 'UNKNOWN_OPERATION', message: 'That operation does not exist.', hint: 'Update the console; the renderer and core versions differ.' } } };
    }
    const [name, def] = found;
    let session: Session | null = null;
    let sessionToken: string | null | undefined;
    const auditFacts: HandlerContext['audit'] = {};
    const actor: AuditActor = { staffId: null, label: 'anonymous', roles: [], sessionId: null, transport: ctx.transport };
    // Fields that may carry customer personal data never reach the log (CONVENTIONS.md §10).
    const inputForAudit = def.auditInput ? def.auditInput(rawInput) : rawInput;

    const finish = async (envelope: Envelope<unknown>, outcome: AuditOutcome): Promise<CallResult> => {
      if (def.audited || outcome.status !== 'ok') {
        const tenantId = auditFacts.tenantId ?? tenantIdOf(rawInput);
        try {
          await this.deps.audit.append({
            actor,
            action: name,
            tenantId,
            justification: auditFacts.justification ?? null,
            grantId: auditFacts.grantId ?? null,
            approvalIds: auditFacts.approvalIds ?? [],
            params: { input: inputForAudit, ...(auditFacts.extra ?? {}) },
            outcome,
          });
        } catch (e) {
          this.deps.logError?.(`audit:${name}`, e);
          // An operation whose trace cannot be written must not look successful.
          if (envelope.ok) return { envelope: { ok: false, error: { code: 'INTERNAL', message: 'The audit log could not be written, so the operation was not confirmed.', hint: 'Check the control plane is reachable, then try again.' } } };
        }
      }
      const result: CallResult = { envelope };
      if (sessionToken !== undefined) result.sessionToken = sessionToken;
      return result;
    };
    const refuse = (e: CustosError) => finish({ ok: false, error: e.toInfo() }, { status: 'refused', code: e.code });

    // 1. session
    if (ctx.sessionToken) {
      try {
        session = await this.deps.staff.resolveSession(ctx.sessionToken);
        actor.staffId = session.staff.id;
        actor.label = session.staff.email;
        actor.roles = [...session.roles];
        actor.sessionId = session.id.slice(0, 16);
      } catch (e) {
        if (def.access !== 'public') {
          sessionToken = null;
          return refuse(e instanceof CustosError ? e : new CustosError('NOT_SIGNED_IN', 'You are not signed in.', 'Sign in to continue.'));
        }
        sessionToken = null;
      }
    }
    let roles: readonly Role[] | null = session ? session.roles : null;
    if (!session && ctx.transport === 'cli' && ctx.systemActor && def.system) {
      actor.label = ctx.systemActor;
      actor.roles = ['system'];
      roles = ['support', 'technical', 'account_manager', 'admin'];
    }
    if (def.access !== 'public' && roles === null) {
      return refuse(new CustosError('NOT_SIGNED_IN', 'You are not signed in.', 'Sign in to continue.'));
    }
    if (session?.staff.mustChangePassword && !def.beforePasswordChange) {
      return refuse(new CustosError('PASSWORD_CHANGE_REQUIRED', 'Your password was reset: choose a new one before continuing.', 'Open "Change password".'));
    }
    // 2. role
    if (!isAllowed(def.access, roles)) {
      return refuse(
        new CustosError('FORBIDDEN', `Your roles do not allow "${def.summary}"`, `This needs ${accessText(def.access)}. Ask an admin if you need it.`, { operation: name }),
      );
    }
    // 3. input
    const parsed = def.input.safeParse(rawInput ?? {});
    if (!parsed.success) {
      return refuse(new CustosError('INVALID_INPUT', `The request was not valid: ${zodIssues(parsed.error)}.`, 'Correct the highlighted values and try again.'));
    }
    // 4. justified access: content operations need the caller's own live grant for this tenant.
    if (def.requiresGrant) {
      const tenantId = tenantIdOf(parsed.data);
      if (!session || !tenantId) {
        return refuse(new CustosError('GRANT_REQUIRED', 'Viewing tenant records needs a signed-in staff member and a justification.', 'Sign in and give a justification.'));
      }
      try {
        const grant = await this.deps.grants.requireLive(session.staff.id, tenantId);
        auditFacts.grantId = grant.id;
        auditFacts.justification = { reason: grant.reason, ticket: grant.ticket };
      } catch (e) {
        return refuse(e as CustosError);
      }
    }
    // 5. domain
    const handler = this.deps.handlers[name] as Handler<OpName>;
    const hctx: HandlerContext = {
      session,
      actor,
      transport: ctx.transport,
      setSessionToken: (t) => {
        sessionToken = t;
      },
      audit: auditFacts,
    };
    try {
      const value = await handler(parsed.data as never, hctx);
      const out = def.output.safeParse(value);
      if (!out.success) {
        this.deps.logError?.(name, new Error(`output did not match the contract: ${zodIssues(out.error)}`));
        return finish({ ok: false, error: { code: 'INTERNAL', message: 'The console produced an answer it could not vouch for.', hint: 'Report this to the engineering team.' } }, { status: 'failed', code: 'INTERNAL' });
      }
      return finish({ ok: true, value: out.data }, { status: 'ok' });
    } catch (e) {
      const info = toErrorInfo(e);
      if (info.code === 'INTERNAL') this.deps.logError?.(name, e);
      const refused = e instanceof CustosError && ['FORBIDDEN', 'GRANT_REQUIRED', 'SIGN_IN_FAILED', 'ACCOUNT_LOCKED', 'ACCOUNT_DISABLED'].includes(e.code);
      return finish({ ok: false, error: info }, { status: refused ? 'refused' : 'failed', code: info.code });
    }
  }
}

function tenantIdOf(input: unknown): string | null {
  if (input && typeof input === 'object' && 'tenantId' in input) {
    const t = (input as { tenantId: unknown }).tenantId;
    if (typeof t === 'string' && /^[A-Za-z0-9_-]{1,64}$/.test(t)) return t;
  }
  return null;
}
