// While the portal runs, only it may open the embedded database, so a backup has to ask it.
// It listens on DATA_DIR/portal.sock (mode 0600: only its own user can connect) for one request,
// "snapshot": it copies its database folder at a quiet moment into DATA_DIR/snapshot-…/pg and
// answers with that folder. npm run backup turns the copy into an archive and removes it, so
// the portal only pauses its queries for the copy.
import type { FastifyBaseLogger } from 'fastify';
import type { Kysely } from 'kysely';
import { mkdtemp, rm } from 'node:fs/promises';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { copyWhileQuiet } from './backup.js';
import type { Database } from './schema.js';

export const SOCKET_FILE = 'portal.sock';
const REQUEST = 'snapshot';
// A Unix socket's path may be at most 107 bytes long (Linux; 103 on macOS).
const MAX_SOCKET_PATH = 103;

type Reply = { ok: true; folder: string } | { ok: false; error: string };

export interface BackupChannel {
  close(): Promise<void>;
}

/** Starts answering snapshot requests. Null (with a warning) where the socket cannot exist. */
export async function openBackupChannel(o: {
  dataDir: string;
  pgDir: string;
  db: Kysely<Database>;
  log: FastifyBaseLogger;
}): Promise<BackupChannel | null> {
  const file = path.join(o.dataDir, SOCKET_FILE);
  if (Buffer.byteLength(file) > MAX_SOCKET_PATH) {
    o.log.warn(
      { file },
      'DATA_DIR path too long for a control socket: npm run backup works only while the portal is stopped',
    );
    return null;
  }

  const snapshot = async (): Promise<Reply> => {
    const folder = await mkdtemp(path.join(o.dataDir, 'snapshot-'));
    try {
      const started = Date.now();
      await copyWhileQuiet(o.db, o.pgDir, path.join(folder, 'pg'));
      o.log.info({ folder, ms: Date.now() - started }, 'database copied for a backup');
      return { ok: true, folder };
    } catch (err) {
      await rm(folder, { recursive: true, force: true });
      o.log.error({ err }, 'copying the database for a backup failed');
      return { ok: false, error: err instanceof Error ? err.message : String(err) };
    }
  };

  const server = net.createServer((socket) => {
    socket.setEncoding('utf8');
    socket.setTimeout(5_000, () => socket.destroy());
    socket.on('error', () => socket.destroy());
    let input = '';
    socket.on('data', (chunk: string) => {
      input += chunk;
      if (input.length > 100) return void socket.destroy();
      const end = input.indexOf('\n');
      if (end < 0) return;
      socket.pause();
      socket.setTimeout(0);
      const reply =
        input.slice(0, end) === REQUEST ? snapshot() : Promise.resolve<Reply>({ ok: false, error: 'unknown request' });
      void reply.then((r) => socket.end(`${JSON.stringify(r)}\n`));
    });
  });

  // We hold the data folder's lock, so a socket file left here is from a process that ended.
  fs.rmSync(file, { force: true });
  // The socket file is created by listen() itself; the umask keeps it private from the start.
  const umask = process.umask(0o177);
  try {
    server.listen(file);
  } finally {
    process.umask(umask);
  }
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  fs.chmodSync(file, 0o600);

  return {
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => {
          fs.rmSync(file, { force: true });
          resolve();
        });
      }),
  };
}

/** No portal listens on this data folder (it is stopped, or it is another command). */
export class NoChannelError extends Error {}

/** Asks the portal on `dataDir` for a snapshot; resolves with the folder that holds it. */
export function requestSnapshot(dataDir: string, timeoutMs = 10 * 60_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(path.join(dataDir, SOCKET_FILE));
    socket.setEncoding('utf8');
    socket.setTimeout(timeoutMs, () => {
      socket.destroy();
      reject(new Error('the portal did not answer in time'));
    });
    let input = '';
    socket.on('connect', () => socket.write(`${REQUEST}\n`));
    socket.on('data', (chunk: string) => (input += chunk));
    socket.on('error', (err: NodeJS.ErrnoException) => {
      reject(err.code === 'ENOENT' || err.code === 'ECONNREFUSED' ? new NoChannelError(err.message) : err);
    });
    socket.on('end', () => {
      let reply: Reply;
      try {
        reply = JSON.parse(input) as Reply;
      } catch {
        return reject(new Error('the portal gave no answer'));
      }
      if (!reply.ok) return reject(new Error(`the portal could not copy its database: ${reply.error}`));
      // Only a folder the portal made in the data folder is ever read (and later removed).
      if (
        path.dirname(reply.folder) !== path.resolve(dataDir) ||
        !path.basename(reply.folder).startsWith('snapshot-')
      ) {
        return reject(new Error('the portal named an unexpected folder'));
      }
      resolve(reply.folder);
    });
    // Without an answer (settled promises ignore this).
    socket.on('close', () => reject(new Error('the portal closed the connection without an answer')));
  });
}
