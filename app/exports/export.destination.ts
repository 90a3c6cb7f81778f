import { constants } from 'node:fs';
import { access, lstat, readdir, readFile, realpath, rm, stat, statfs, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import { CustosError } from '../shared/errors';
import type { ExportFormat } from './export.lists';

/**
 * Where a package may be written, checked before anything is (issue 4: "Refuse
 * destinations that are not writable or have too little free space, before
 * starting"), and the naming that makes a crash harmless (CONVENTIONS.md §8):
 *
 *   <out>/.custos-export-<slug>-<ts>.partial/       while it is written and verified
 *   <out>/.custos-export-<slug>-<ts>.partial.lock   who is writing it (pid, host)
 *   <out>/custos-export-<slug>-<ts>/                only once verified, by rename
 *
 * A rerun removes a stale partial of the same tenant (its writer is gone) and refuses
 * to touch one whose writer still runs.
 */
export type DestinationProblem = 'not_found' | 'not_directory' | 'symlink' | 'inside_export' | 'not_writable' | 'insufficient_space';

export const FINAL_PREFIX = 'custos-export-';
const PARTIAL_RE = /^\.custos-export-(.+)-(\d{8}T\d{6}Z)(?:-\d+)?\.partial$/;
const FINAL_RE = /^custos-export-.+-\d{8}T\d{6}Z(?:-\d+)?$/;

function invalid(problem: DestinationProblem, message: string, hint: string, details: Record<string, unknown> = {}): CustosError {
  return new CustosError('EXPORT_DESTINATION_INVALID', message, hint, { problem, ...details });
}

/** `20250630T020000Z`: a UTC timestamp safe in file names on every system. */
export function folderTimestamp(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/[-:]/g, '');
}

export function finalFolderName(slug: string, ts: string, n = 1): string {
  return `${FINAL_PREFIX}${slug}-${ts}${n > 1 ? `-${n}` : ''}`;
}

export function partialFolderName(slug: string, ts: string, n = 1): string {
  return `.${finalFolderName(slug, ts, n)}.partial`;
}

/** Rough size of the package, for the free-space check: lists ≈ the database, archives ≈ the files. */
export function estimateExportBytes(input: { databaseBytes: number; attachmentBytes: number; formats: readonly ExportFormat[] }): number {
  const lists = input.databaseBytes * ((input.formats.includes('csv') ? 1.0 : 0) + (input.formats.includes('xlsx') ? 0.7 : 0));
  const work = input.databaseBytes * 0.2 + 64 * 1024 * 1024; // custom-field index, spooled attachments, margin
  return Math.ceil((lists + input.attachmentBytes * 1.01) * 1.1 + work);
}

async function looksLikeExport(dir: string): Promise<boolean> {
  const base = path.basename(dir);
  if (FINAL_RE.test(base) || PARTIAL_RE.test(base)) return true;
  try {
    await access(path.join(dir, 'datapackage.json'));
    await access(path.join(dir, 'SHA256SUMS'));
    return true;
  } catch {
    return false;
  }
}

/**
 * Checks the destination folder and returns its real path (the one every later step
 * uses, so the final rename stays on one file system).
 */
export async function checkExportDestination(outDir: string, needBytes: number): Promise<{ dir: string; freeBytes: number }> {
  if (typeof outDir !== 'string' || outDir.trim() === '') {
    throw invalid('not_found', 'No destination folder was given for the export.', 'Choose a folder on a local disk with enough free space.');
  }
  const abs = path.resolve(outDir);
  let st;
  try {
    st = await lstat(abs);
  } catch {
    throw invalid('not_found', `The destination folder ${abs} does not exist.`, 'Create the folder first, or choose an existing one.', { path: abs });
  }
  if (st.isSymbolicLink()) {
    const real = await realpath(abs).catch(() => null);
    throw invalid(
      'symlink',
      `The destination ${abs} is a symbolic link${real ? ` to ${real}` : ' that leads nowhere'}.`,
      real ? `Give the real folder instead: ${real}` : 'Choose a real folder.',
      { path: abs, ...(real ? { realPath: real } : {}) },
    );
  }
  if (!st.isDirectory()) throw invalid('not_directory', `The destination ${abs} is not a folder.`, 'Choose a folder, not a file.', { path: abs });
  const dir = await realpath(abs);
  for (let d = dir; ; d = path.dirname(d)) {
    if (await looksLikeExport(d)) {
      throw invalid(
        'inside_export',
        `The destination ${dir} is inside another export package (${d}).`,
        'Choose a folder outside any export: a package must stay exactly as it was written, or its checksums fail.',
        { path: dir, package: d },
      );
    }
    if (path.dirname(d) === d) break;
  }
  try {
    await access(dir, constants.W_OK | constants.X_OK);
  } catch {
    throw invalid('not_writable', `Custos may not write to ${dir}.`, 'Choose a folder you can write to, or ask an administrator to allow it.', { path: dir });
  }
  const fs = await statfs(dir);
  const freeBytes = Number(fs.bavail) * Number(fs.bsize);
  if (freeBytes < needBytes) {
    throw invalid(
      'insufficient_space',
      `The destination ${dir} has ${formatBytes(freeBytes)} free; the export needs about ${formatBytes(needBytes)}.`,
      `Free at least ${formatBytes(needBytes - freeBytes)} there, or choose a disk with more space.`,
      { path: dir, freeBytes, needBytes },
    );
  }
  return { dir, freeBytes };
}

export function formatBytes(n: number): string {
  const u = ['bytes', 'KB', 'MB', 'GB', 'TB'];
  let i = 0;
  let v = n;
  while (v >= 1024 && i < u.length - 1) {
    v /= 1024;
    i++;
  }
  return i === 0 ? `${n} bytes` : `${v.toFixed(1)} ${u[i]}`;
}

interface LockInfo {
  pid: number;
  host: string;
  startedAt: string;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const FOREIGN_HOST_STALE_MS = 24 * 60 * 60 * 1000;

async function readLock(p: string): Promise<LockInfo | null> {
  try {
    const v = JSON.parse(await readFile(p, 'utf8')) as Partial<LockInfo>;
    if (typeof v.pid !== 'number' || typeof v.host !== 'string' || typeof v.startedAt !== 'string') return null;
    return { pid: v.pid, host: v.host, startedAt: v.startedAt };
  } catch {
    return null;
  }
}

function lockIsLive(lock: LockInfo | null, now: Date): boolean {
  if (!lock) return false;
  if (lock.host === hostname()) return lock.pid !== process.pid && alive(lock.pid);
  // Another machine on a shared folder: we cannot ask it; trust its lock for a day.
  return now.getTime() - Date.parse(lock.startedAt) < FOREIGN_HOST_STALE_MS;
}

/**
 * Removes partial packages of this tenant left by a crashed or killed export. Refuses
 * (TENANT_BUSY) when one of them is still being written by a live process.
 */
export async function removeStalePartials(dir: string, slug: string, now: Date): Promise<string[]> {
  const removed: string[] = [];
  const names = await readdir(dir);
  for (const name of names) {
    const m = PARTIAL_RE.exec(name);
    if (!m || m[1] !== slug) continue;
    const p = path.join(dir, name);
    const st = await lstat(p).catch(() => null);
    if (!st) continue;
    const lock = await readLock(`${p}.lock`);
    if (lockIsLive(lock, now)) {
      throw new CustosError(
        'TENANT_BUSY',
        'Another export of this tenant is being written to this folder right now.',
        'Wait for it to finish (or cancel it), then start this one again.',
        { partial: p, pid: lock?.pid, host: lock?.host },
      );
    }
    // A symlink named like a partial is removed as a link, never followed.
    await rm(p, { recursive: true, force: true });
    await rm(`${p}.lock`, { force: true });
    removed.push(name);
  }
  // Locks whose partial is gone.
  for (const name of names) {
    if (!name.endsWith('.partial.lock')) continue;
    const base = name.slice(0, -'.lock'.length);
    const m = PARTIAL_RE.exec(base);
    if (!m || m[1] !== slug || names.includes(base)) continue;
    const lock = await readLock(path.join(dir, name));
    if (!lockIsLive(lock, now)) await rm(path.join(dir, name), { force: true });
  }
  return removed;
}

export async function writeLock(partialDir: string, now: Date): Promise<string> {
  const p = `${partialDir}.lock`;
  const info: LockInfo = { pid: process.pid, host: hostname(), startedAt: now.toISOString() };
  await writeFile(p, JSON.stringify(info), { flag: 'wx', mode: 0o600 });
  return p;
}

/** A final name not taken yet (two exports in the same second get -2, -3, …). */
export async function freeFolderNames(dir: string, slug: string, ts: string): Promise<{ final: string; partial: string }> {
  for (let n = 1; ; n++) {
    const final = path.join(dir, finalFolderName(slug, ts, n));
    const partial = path.join(dir, partialFolderName(slug, ts, n));
    const taken = (await stat(final).catch(() => null)) || (await lstat(final).catch(() => null)) || (await lstat(partial).catch(() => null));
    if (!taken) return { final, partial };
  }
}
