// The embedded database's data directory lock: PGlite takes none of its own.
import { closeSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { basename, dirname, join } from 'node:path';
import { hostname } from 'node:os';

/**
 * PGlite has no postmaster and takes no lock on its data directory: a second
 * process opening the same directory starts happily and both then write to it
 * with separate buffer caches (corruption). Guard it with `<dataDir>.lock`:
 *  - normally a Unix socket we listen on. A live owner accepts connections
 *    (and tells its pid); a socket file left by a dead process refuses them,
 *    so it is stale and taken over. Immune to pid reuse and hostname changes
 *    (container restarts).
 *  - where that is impossible (Windows, path too long for a socket, a
 *    filesystem without socket files) a pid file, stale if the pid is dead.
 */
export async function acquireDirLock(dataDir: string, log: (msg: string) => void): Promise<() => void> {
  const lockPath = join(dirname(dataDir), `${basename(dataDir)}.lock`);
  if (process.platform !== 'win32' && Buffer.byteLength(lockPath) <= 100) {
    const release = await socketLock(dataDir, lockPath, log);
    if (release) return release;
  }
  return pidLock(dataDir, lockPath, log);
}

function inUseError(dataDir: string, lockPath: string, owner: string): Error {
  return new Error(
    `embedded database directory ${dataDir} is already in use (held by ${owner}; lock ${lockPath}). ` +
      `Stop that process, or set DATABASE_URL to use a PostgreSQL server.`,
  );
}

/** Returns a release function, or undefined if a socket lock cannot be used here. */
async function socketLock(
  dataDir: string,
  lockPath: string,
  log: (msg: string) => void,
): Promise<(() => void) | undefined> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const server = createServer((s) => s.end(`${process.pid}\n`));
    const err = await new Promise<NodeJS.ErrnoException | undefined>((res) => {
      server.once('error', res);
      server.listen(lockPath, () => res(undefined));
    });
    if (!err) {
      server.unref();
      server.on('error', () => {});
      let released = false;
      return () => {
        if (released) return;
        released = true;
        server.close(); // removes the socket file
      };
    }
    if (err.code !== 'EADDRINUSE') {
      log(`embedded PGlite: socket lock unavailable (${err.code}); using a pid lock file`);
      return undefined;
    }
    const owner = await probeSocket(lockPath);
    if (owner === 'refused') {
      // Either a socket left by a dead process, or a pid file from the fallback lock.
      if (!isSocket(lockPath)) return undefined;
      log(`embedded PGlite: removing stale lock ${lockPath}`);
      try {
        unlinkSync(lockPath);
      } catch {
        /* raced with another starter; retry */
      }
      continue;
    }
    throw inUseError(dataDir, lockPath, owner ? `pid ${owner}` : 'unknown pid');
  }
  throw new Error(`embedded database directory ${dataDir}: could not acquire lock ${lockPath}`);
}

function isSocket(path: string): boolean {
  try {
    return statSync(path).isSocket();
  } catch {
    return false;
  }
}

/** 'refused' if nobody listens on the socket, else the owner's pid ('' if it did not say). */
function probeSocket(path: string): Promise<string | 'refused'> {
  return new Promise((res) => {
    let data = '';
    const s = connect(path);
    s.setTimeout(2_000, () => s.destroy());
    s.on('data', (d) => (data += d.toString()));
    s.on('error', (e: NodeJS.ErrnoException) =>
      res(e.code === 'ECONNREFUSED' || e.code === 'ENOENT' || e.code === 'ENOTSOCK' ? 'refused' : ''),
    );
    s.on('close', () => res(data.trim()));
  });
}

/** Lock paths this process holds as pid files (so our own pid in a lock is not mistaken for a live owner after pid reuse). */
const heldPidLocks = new Set<string>();

function pidLock(dataDir: string, lockPath: string, log: (msg: string) => void): () => void {
  const me = `${process.pid}\n${hostname()}\n`;
  for (let attempt = 0; attempt < 3; attempt++) {
    let fd: number;
    try {
      fd = openSync(lockPath, 'wx');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const [pidLine = '', host = ''] = safeRead(lockPath).split('\n');
      const pid = Number(pidLine);
      const ours = pid === process.pid && heldPidLocks.has(lockPath);
      const alive = Number.isInteger(pid) && pid > 0 && (ours || (pid !== process.pid && processAlive(pid)));
      if (!alive) {
        log(`embedded PGlite: removing stale lock ${lockPath} (pid ${pidLine || '?'} is not running)`);
        try {
          unlinkSync(lockPath);
        } catch {
          /* raced with another starter; retry */
        }
        continue;
      }
      throw inUseError(dataDir, lockPath, `pid ${pidLine}${host ? ` on ${host}` : ''}`);
    }
    try {
      writeSync(fd, me);
    } finally {
      closeSync(fd);
    }
    heldPidLocks.add(lockPath);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      heldPidLocks.delete(lockPath);
      try {
        if (safeRead(lockPath) === me) unlinkSync(lockPath);
      } catch {
        /* ignore */
      }
    };
  }
  throw new Error(`embedded database directory ${dataDir}: could not acquire lock ${lockPath}`);
}

export function safeRead(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
