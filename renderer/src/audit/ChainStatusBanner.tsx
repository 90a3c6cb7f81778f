import { useCallback, useEffect, useState } from 'react';
import { call, toErrorInfo, type ErrorInfo } from '../api/client';
import { ErrorMessage } from '../ui/ErrorMessage';
import { Spinner } from '../ui/Spinner';
import { chainStatusText, type ChainStatus } from './audit-format';
import { utcTitle } from '../ui/format';

/**
 * SECURITY.md "Audit record": verification recomputes every hash and link and compares
 * the head with the anchors kept in the object store. Shown first, because a broken
 * chain changes how much the rows below can be trusted.
 */
export function ChainStatusBanner() {
  const [state, setState] = useState<{ kind: 'loading' } | { kind: 'ok'; status: ChainStatus; at: string } | { kind: 'error'; error: ErrorInfo }>({ kind: 'loading' });

  const verify = useCallback(async () => {
    setState({ kind: 'loading' });
    try {
      const status = await call('audit.verify', {});
      setState({ kind: 'ok', status, at: new Date().toISOString() });
    } catch (e) {
      setState({ kind: 'error', error: toErrorInfo(e) });
    }
  }, []);

  useEffect(() => {
    void verify();
  }, [verify]);

  if (state.kind === 'error') {
    return (
      <div data-testid="audit-chain-status" data-state="error">
        <ErrorMessage error={state.error} title="The audit chain could not be verified">
          <button type="button" className="button button--small" onClick={() => void verify()}>
            Try again
          </button>
        </ErrorMessage>
      </div>
    );
  }
  const text = state.kind === 'ok' ? chainStatusText(state.status) : null;
  return (
    <div
      className={`chain-status ${text ? `chain-status--${text.tone}` : 'chain-status--checking'}`}
      data-testid="audit-chain-status"
      data-state={text ? text.tone : 'checking'}
      role={text?.tone === 'bad' ? 'alert' : 'status'}
    >
      <span className="chain-status__mark" aria-hidden="true">
        {text ? (text.tone === 'ok' ? '✓' : '!') : ''}
      </span>
      <div className="chain-status__body">
        {text ? <p className="chain-status__text">{text.text}</p> : <Spinner label="Verifying the audit chain…" />}
        {state.kind === 'ok' && !state.status.ok ? (
          <p className="chain-status__hint">Records from the break on may have been edited, deleted or reordered. Do not rely on them; report it to the engineering team and keep this console's data folder as it is.</p>
        ) : null}
        {state.kind === 'ok' && state.status.head ? (
          <p className="chain-status__hash mono" title={`Verified ${utcTitle(state.at) ?? ''}`}>
            head hash {state.status.head.hash}
          </p>
        ) : null}
      </div>
      <button type="button" className="button button--small" onClick={() => void verify()} disabled={state.kind === 'loading'}>
        Verify again
      </button>
    </div>
  );
}
