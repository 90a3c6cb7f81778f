/**
 * Exactly what a deletion removes (CONVENTIONS.md §15: the preview shows exactly what
 * will happen), as the approve and execute dialogs show it: each location of the
 * issue's journal, with the tenant's own paths, counts and sizes.
 */
import { useEffect, useState } from 'react';
import { call, type OpOutput } from '../api/client';
import { formatBytes, plural } from '../ui/format';

export type TenantDetail = OpOutput<'tenants.get'>;
type Backups = OpOutput<'backups.tenant'>;

export function DeletionScope({ tenantId, tenant }: { tenantId: string; tenant: TenantDetail | null }) {
  const [backups, setBackups] = useState<Backups | null | 'unknown'>(null);
  useEffect(() => {
    let live = true;
    call('backups.tenant', { tenantId }).then(
      (b) => live && setBackups(b),
      () => live && setBackups('unknown'),
    );
    return () => {
      live = false;
    };
  }, [tenantId]);

  const snapshots = backups && backups !== 'unknown' ? backups.snapshots : null;
  const snapshotBytes = snapshots ? snapshots.reduce((n, s) => n + (s.compressedBytes ?? 0), 0) : 0;
  const path = (p: string | undefined) => (p ? <span className="mono deletion-scope__path">{p}</span> : null);

  return (
    <ol className="deletion-scope" data-testid="deletion-scope" aria-label="What will be deleted">
      <li>
        <span className="deletion-scope__what">Sandboxes and temporary copies</span>
        <span className="deletion-scope__detail">on this console's machine; the tenant is suspended first.</span>
      </li>
      <li>
        <span className="deletion-scope__what">The tenant database</span>
        <span className="deletion-scope__detail">
          {tenant ? (
            <>
              {tenant.dbEngine === 'postgres' ? 'PostgreSQL' : 'SQLite'}, {formatBytes(tenant.dbSizeBytes)} {path(tenant.storage.database)}
            </>
          ) : (
            'with its side files'
          )}
        </span>
      </li>
      <li>
        <span className="deletion-scope__what">Every attachment, and every other object of the tenant</span>
        <span className="deletion-scope__detail">
          {tenant ? (
            <>
              {plural(tenant.attachmentCount, 'file')}, {formatBytes(tenant.attachmentBytes)} in {path(tenant.storage.attachments)}; everything under{' '}
            </>
          ) : (
            'everything under '
          )}
          <span className="mono deletion-scope__path">tenants/{tenantId}/</span>
        </span>
      </li>
      <li>
        <span className="deletion-scope__what">Every backup snapshot and manifest</span>
        <span className="deletion-scope__detail">
          {snapshots ? `${plural(snapshots.length, 'snapshot')}, ${formatBytes(snapshotBytes)}, ` : backups === null ? 'counting… ' : ''}
          all versions, under {path(tenant?.storage.backups) ?? <span className="mono">backups/{tenantId}/</span>}
        </span>
      </li>
      <li>
        <span className="deletion-scope__what">Every export package</span>
        <span className="deletion-scope__detail">under {path(tenant?.storage.exports) ?? <span className="mono">exports/{tenantId}/</span>}</span>
      </li>
      <li>
        <span className="deletion-scope__what">Personal data in the control plane</span>
        <span className="deletion-scope__detail">
          name, data processing agreement and usage figures; justified-access grants revoked. A tombstone (tenant ID, request, certificate) stays, so tenant{' '}
          <span className="mono">{tenantId}</span> can never be re-created or restored.
        </span>
      </li>
      {tenant && tenant.dbSizeBytes + tenant.attachmentBytes > 0 ? (
        <li className="deletion-scope__total muted">
          At least {formatBytes(tenant.dbSizeBytes + tenant.attachmentBytes + snapshotBytes)} in total{snapshots ? '' : ', plus backups'}; each location is listed again afterwards and must be empty.
        </li>
      ) : null}
    </ol>
  );
}
