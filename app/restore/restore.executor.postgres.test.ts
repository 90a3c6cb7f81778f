/** The restore executor under crashes, PostgreSQL tenants (the suite: restore.executor.suite.ts). */
import { restoreExecutorSuite } from './restore.executor.suite';

restoreExecutorSuite(['postgres']);
