import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';

export type ToastKind = 'info' | 'success' | 'error';
interface Toast {
  id: number;
  kind: ToastKind;
  text: string;
  hint?: string;
}

interface ToastApi {
  show(kind: ToastKind, text: string, hint?: string): void;
  /** Removes every notice (sign-out: they may name tenants, and belong to the last staff member). */
  clear(): void;
}

const ToastContext = createContext<ToastApi>({ show: () => {}, clear: () => {} });

export function useToasts(): ToastApi {
  return useContext(ToastContext);
}

/** Short notices in a corner (aria-live); errors stay until dismissed, others fade after 5 s. */
export function ToastProvider({ children }: { children: ReactNode }) {
  const [toasts, setToasts] = useState<Toast[]>([]);
  const next = useRef(1);
  const timers = useRef(new Map<number, ReturnType<typeof setTimeout>>());

  const dismiss = useCallback((id: number) => {
    setToasts((t) => t.filter((x) => x.id !== id));
    const timer = timers.current.get(id);
    if (timer) clearTimeout(timer);
    timers.current.delete(id);
  }, []);

  const show = useCallback(
    (kind: ToastKind, text: string, hint?: string) => {
      const id = next.current++;
      setToasts((t) => [...t.slice(-3), { id, kind, text, ...(hint !== undefined ? { hint } : {}) }]);
      if (kind !== 'error') timers.current.set(id, setTimeout(() => dismiss(id), 5000));
    },
    [dismiss],
  );

  const clear = useCallback(() => {
    setToasts([]);
    for (const t of timers.current.values()) clearTimeout(t);
    timers.current.clear();
  }, []);

  useEffect(() => {
    const all = timers.current;
    return () => {
      for (const t of all.values()) clearTimeout(t);
      all.clear();
    };
  }, []);

  const api = useMemo(() => ({ show, clear }), [show, clear]);
  return (
    <ToastContext.Provider value={api}>
      {children}
      <div className="toasts" aria-live="polite" aria-relevant="additions">
        {toasts.map((t) => (
          <div key={t.id} className={`toast toast--${t.kind}`} role={t.kind === 'error' ? 'alert' : 'status'}>
            <div className="toast__body">
              <p className="toast__text">{t.text}</p>
              {t.hint ? <p className="toast__hint">{t.hint}</p> : null}
            </div>
            <button type="button" className="toast__close" aria-label="Dismiss" onClick={() => dismiss(t.id)}>
              ×
            </button>
          </div>
        ))}
      </div>
    </ToastContext.Provider>
  );
}
