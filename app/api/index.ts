/**
 * The public face of the core for shells (main/, the web host, the CLI): the
 * contract, the dispatcher's call context, and how to open the core. Shells
 * import from here and nowhere else in app/ (checked by build/check-layers.mjs).
 */
export { contract, OP_NAMES } from './contract';
export type { OpName, OpInput, OpOutput, ConsoleEvent, JobProgressEvent } from './contract';
export type { CallContext, CallResult, Transport } from './dispatcher';
export { openConsole, type ConsoleCore, type ConsoleOptions } from '../runtime/console';
export { defaultDataDir } from '../runtime/data-dir';
export { toErrorInfo, CustosError, type Envelope, type ErrorInfo } from '../shared/errors';
/** For the desktop app's OS-keychain store of PostgreSQL URLs (issue 8): which variables custos.json names, and the one transport policy. */
export {
  readConnectionTargets,
  checkPostgresUrl,
  MAX_POSTGRES_URL_LENGTH,
  type ConnectionTarget,
  type ConnectionPurpose,
  type ConnectionTargetsResult,
  type PostgresUrlCheck,
  type PostgresUrlFacts,
} from '../runtime/connection-targets';
