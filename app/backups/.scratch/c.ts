import Database from 'better-sqlite3';
import { readFileSync, writeFileSync, rmSync } from 'node:fs';
import { createTestTenantDb } from '/work/main/app/backups/tenant-db.fixture';
rmSync('/tmp/explore/t.db', { force: true });
createTestTenantDb('/tmp/explore/t.db', { rows: 50 });
let db = new Database('/tmp/explore/t.db');
const root = (db.prepare("SELECT rootpage FROM sqlite_master WHERE name='persons_company'").get() as any).rootpage;
const ps = db.pragma('page_size', { simple: true }) as number;
db.close();
const buf = readFileSync('/tmp/explore/t.db');
const off = (root - 1) * ps;
// garble the cell content at the end of the index page
for (let i = ps - 300; i < ps; i++) buf[off + i] = (buf[off + i]! ^ 0x5a) & 0xff;
writeFileSync('/tmp/explore/t2.db', buf);
db = new Database('/tmp/explore/t2.db', { readonly: true });
console.log(root, db.pragma('integrity_check(20)'));
try { console.log(db.prepare('select count(*) from persons').get()); } catch (e) { console.log('count err', (e as any).code); }
db.close();
