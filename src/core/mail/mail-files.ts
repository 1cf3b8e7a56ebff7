// The mail files: without SMTP_URL every message is written as DATA_DIR/mail/<id padded to 6>.eml
// (plugins/mail-sender.ts), the whole message with its links and the resident's details. A file
// goes with its outbox row's text: once the row is purged (retention, anonymising, erasure) or
// no longer exists, the file is deleted. Files with any other name are never touched.
import { readdir, unlink } from 'node:fs/promises';
import path from 'node:path';
import type { Db } from '../db.js';

/** The folder of the mail files; null without a data folder. */
export function mailDirOf(dataDir: string | null): string | null {
  return dataDir ? path.join(dataDir, 'mail') : null;
}

export const mailFileName = (id: number): string => `${String(id).padStart(6, '0')}.eml`;

/** The name a message is written under first, then renamed, so no half message has the real name. */
export const partialMailFileName = (id: number): string => `.${mailFileName(id)}.partial`;

/** The outbox id of a mail file's name; null for a name the sender never writes. */
export function mailFileId(name: string): number | null {
  const m = /^\.?(\d{6,15})\.eml(?:\.partial)?$/.exec(name);
  if (!m) return null;
  const id = Number(m[1]);
  return name === mailFileName(id) || name === partialMailFileName(id) ? id : null;
}

const errorCode = (err: unknown) => (err as { code?: unknown } | null)?.code;

/** The ids (of these) whose outbox row still exists with its text. */
async function unpurgedIds(db: Db, ids: number[]): Promise<Set<number>> {
  const kept = new Set<number>();
  for (let i = 0; i < ids.length; i += 1000) {
    const rows = await db
      .selectFrom('outbox_message')
      .select('id')
      .where('id', 'in', ids.slice(i, i + 1000))
      .where('purged_at', 'is', null)
      .execute();
    for (const r of rows) kept.add(r.id);
  }
  return kept;
}

/**
 * Deletes every mail file in `dir` whose outbox row is purged or no longer exists, and returns
 * how many it deleted. No folder (or none configured): nothing to do. A file that went meanwhile
 * is fine.
 */
export async function deletePurgedMailFiles(db: Db, dir: string | null): Promise<number> {
  if (!dir) return 0;
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (err) {
    if (errorCode(err) === 'ENOENT' || errorCode(err) === 'ENOTDIR') return 0;
    throw err;
  }
  const files = entries
    .filter((e) => e.isFile())
    .map((e) => ({ name: e.name, id: mailFileId(e.name) }))
    .filter((f): f is { name: string; id: number } => f.id !== null);
  if (files.length === 0) return 0;
  const kept = await unpurgedIds(db, [...new Set(files.map((f) => f.id))]);
  let deleted = 0;
  for (const f of files) {
    if (kept.has(f.id)) continue;
    try {
      await unlink(path.join(dir, f.name));
      deleted += 1;
    } catch (err) {
      if (errorCode(err) !== 'ENOENT') throw err;
    }
  }
  return deleted;
}
