import { Migrator, type Kysely, type Migration } from 'kysely';
import { CustosError } from '../../shared/errors';
import * as m0001 from './0001-initial';
import * as m0002 from './0002-grants';
import * as m0003 from './0003-jobs';
import * as m0004 from './0004-exports';
import * as m0005 from './0005-backups';
import * as m0006 from './0006-deletion';
import * as m0007 from './0007-restore';

/** Numbered migrations, applied in order, each once (CONVENTIONS.md §16). */
export const MIGRATIONS: Readonly<Record<string, Migration>> = {
  [m0001.id]: m0001,
  [m0002.id]: m0002,
  [m0003.id]: m0003,
  [m0004.id]: m0004,
  [m0005.id]: m0005,
  [m0006.id]: m0006,
  [m0007.id]: m0007,
};

/** Brings a control plane to the newest schema; kysely's Migrator keeps the log and the lock. */
export async function migrateToLatest(db: Kysely<any>): Promise<string[]> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => ({ ...MIGRATIONS }) },
    migrationTableName: 'custos_migrations',
    migrationLockTableName: 'custos_migrations_lock',
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    throw new CustosError(
      'CONFIG_INVALID',
      `The control plane database could not be brought up to date: ${(error as Error).message ?? String(error)}`,
      'Check that this console version is not older than the control plane (downgrades are not supported).',
    );
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
