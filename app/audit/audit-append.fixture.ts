// Test fixture: a separate process appending audit records to a shared control plane.
import { openSqliteControlPlane } from '../control-plane/sqlite.control-plane';
import { systemClock } from '../shared/clock.port';
import { AuditLog } from './audit.service';

const [path, count, label] = process.argv.slice(2);
const cp = await openSqliteControlPlane(path!);
const audit = new AuditLog(cp, systemClock, 'test');
for (let i = 0; i < Number(count); i++) {
  await audit.append({ actor: { staffId: null, label: label!, roles: ['system'], sessionId: null, transport: 'cli' }, action: 'race', params: { i }, outcome: { status: 'ok' } });
}
await cp.close();
