/** The restore executor under crashes, SQLite tenants (the suite: restore.executor.suite.ts). */
import { restoreExecutorSuite } from './restore.executor.suite';

restoreExecutorSuite(['sqlite']);
