import type { ConsoleServices } from '../runtime/console';
import type { Handlers } from '../api/dispatcher';
import { createDeletionOperations } from './deletion.operations';

type DeletionOps =
  | 'deletion.list'
  | 'deletion.get'
  | 'deletion.file'
  | 'deletion.amend'
  | 'deletion.recordFinalExport'
  | 'deletion.approve'
  | 'deletion.schedule'
  | 'deletion.cancel'
  | 'deletion.hold'
  | 'deletion.release'
  | 'deletion.execute'
  | 'deletion.certificate'
  | 'deletion.tombstone';

export function deletionHandlers(s: ConsoleServices): Pick<Handlers, DeletionOps> {
  const ops = createDeletionOperations(s.deletion);
  return {
    'deletion.list': (i, ctx) => ops['deletion.list'](i, ctx.actor, ctx.audit),
    'deletion.get': (i, ctx) => ops['deletion.get'](i, ctx.actor, ctx.audit),
    'deletion.file': (i, ctx) => ops['deletion.file'](i, ctx.actor, ctx.audit),
    'deletion.amend': (i, ctx) => ops['deletion.amend'](i, ctx.actor, ctx.audit),
    'deletion.recordFinalExport': (i, ctx) => ops['deletion.recordFinalExport'](i, ctx.actor, ctx.audit),
    'deletion.approve': (i, ctx) => ops['deletion.approve'](i, ctx.actor, ctx.audit),
    'deletion.schedule': (i, ctx) => ops['deletion.schedule'](i, ctx.actor, ctx.audit),
    'deletion.cancel': (i, ctx) => ops['deletion.cancel'](i, ctx.actor, ctx.audit),
    'deletion.hold': (i, ctx) => ops['deletion.hold'](i, ctx.actor, ctx.audit),
    'deletion.release': (i, ctx) => ops['deletion.release'](i, ctx.actor, ctx.audit),
    'deletion.execute': (i, ctx) => ops['deletion.execute'](i, ctx.actor, ctx.audit),
    'deletion.certificate': (i, ctx) => ops['deletion.certificate'](i, ctx.actor, ctx.audit),
    'deletion.tombstone': (i, ctx) => ops['deletion.tombstone'](i, ctx.actor, ctx.audit),
  };
}
