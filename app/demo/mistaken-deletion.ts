import Database from 'better-sqlite3';

/**
 * A story for the restore screens of the demo fleet (issue 6): after last night's
 * snapshot, someone at the customer deleted their newest deals, and the CRM deleted
 * each deal's history, finance lines, tasks, file rows and custom values with it.
 * The sandbox comparison then shows them as "only in the snapshot", ready for a
 * selective restore. The attachment objects stay in storage (the CRM only drops the
 * rows), so a restored file row finds its bytes again.
 *
 * Returns the IDs of the deleted opportunities.
 */
export function deleteNewestDeals(dbPath: string, count: number, before: string): number[] {
  const db = new Database(dbPath);
  try {
    const ids = (db.prepare('SELECT id FROM opportunities WHERE created_at <= ? ORDER BY created_at DESC, id DESC LIMIT ?').all(before, count) as { id: number }[]).map((r) => r.id);
    if (ids.length === 0) return [];
    const list = JSON.stringify(ids);
    db.transaction(() => {
      db.prepare("DELETE FROM activities WHERE subject_type = 'opportunities' AND subject_id IN (SELECT value FROM json_each(?))").run(list);
      db.prepare("DELETE FROM files WHERE owner_type = 'opportunities' AND owner_id IN (SELECT value FROM json_each(?))").run(list);
      db.prepare('DELETE FROM opportunity_lines WHERE opportunity_id IN (SELECT value FROM json_each(?))').run(list);
      db.prepare('DELETE FROM tasks WHERE opportunity_id IN (SELECT value FROM json_each(?))').run(list);
      db.prepare(
        "DELETE FROM custom_field_values WHERE record_id IN (SELECT value FROM json_each(?)) AND field_id IN (SELECT id FROM custom_field_definitions WHERE entity = 'opportunities')",
      ).run(list);
      db.prepare('DELETE FROM opportunities WHERE id IN (SELECT value FROM json_each(?))').run(list);
    })();
    return ids;
  } finally {
    db.close();
  }
}
