/**
 * Sandboxes, comparisons, previews, runs and rollbacks show or change a tenant's
 * records: the dispatcher requires the caller's live justification grant (issue 3) and
 * answers GRANT_REQUIRED without one. Rather than fail, the panel asks for the
 * justification (the same dialog as "Browse records…") and, once granted, does what was
 * asked again. Any other error goes to the caller, message and hint as they came.
 */
import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';
import { toErrorInfo, type ErrorInfo } from '../api/client';
import { useToasts } from '../shell/toasts';
import { JustificationDialog } from '../access/JustificationDialog';

export type Guarded = (work: () => Promise<void>, onError: (e: ErrorInfo) => void) => Promise<void>;

const GateContext = createContext<Guarded>(async (work, onError) => {
  try {
    await work();
  } catch (e) {
    onError(toErrorInfo(e));
  }
});

/** Runs `work`; on GRANT_REQUIRED opens the justification dialog and runs it again once granted. */
export function useGrantGate(): Guarded {
  return useContext(GateContext);
}

interface Ask {
  notice: ErrorInfo;
  work: () => Promise<void>;
  onError: (e: ErrorInfo) => void;
}

export function GrantGate({ tenantId, tenantName, onGranted, children }: { tenantId: string; tenantName: string | null; onGranted?: () => void; children: ReactNode }) {
  const [ask, setAsk] = useState<Ask | null>(null);
  const toasts = useToasts();

  const guarded = useCallback<Guarded>(async (work, onError) => {
    try {
      await work();
    } catch (e) {
      const info = toErrorInfo(e);
      if (info.code === 'GRANT_REQUIRED') setAsk({ notice: info, work, onError });
      else onError(info);
    }
  }, []);

  const value = useMemo(() => guarded, [guarded]);

  return (
    <GateContext.Provider value={value}>
      {children}
      {ask ? (
        <JustificationDialog
          tenantId={tenantId}
          tenantName={tenantName}
          notice={ask.notice}
          onClose={() => {
            ask.onError({ ...ask.notice, hint: 'Nothing was done: a justification is needed first.' });
            setAsk(null);
          }}
          onGranted={(g) => {
            setAsk(null);
            toasts.show('success', `Access open until ${new Date(g.expiresAt).toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit' })}.`, `Recorded in the audit log under ${g.ticket}.`);
            onGranted?.();
            void guarded(ask.work, ask.onError);
          }}
        />
      ) : null}
    </GateContext.Provider>
  );
}
