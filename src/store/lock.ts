import fs from 'node:fs/promises';
import path from 'node:path';

/**
 * An exclusive lock on a data dir: two server processes must never share one embedded
 * database. The lock file holds the owner's pid; a lock whose owner is dead is taken over.
 */
export interface DirLock {
  release(): Promise<void>;
}

export class LockedError extends Error {
  /** The live process holding the lock, when known. */
  readonly ownerPid: number | undefined;
  constructor(message: string, ownerPid?: number) {
    super(message);
    this.ownerPid = ownerPid;
  }
}

export function alive(pid: number) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export async function lockDataDir(dataDir: string): Promise<DirLock> {
  await fs.mkdir(dataDir, { recursive: true, mode: 0o700 });
  const file = path.join(dataDir, 'switchboard.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await fs.open(file, 'wx', 0o600);
      await handle.writeFile(String(process.pid));
      await handle.close();
      let released = false;
      return {
        release: async () => {
          if (released) return;
          released = true;
          await fs.rm(file, { force: true });
        },
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const owner = Number((await fs.readFile(file, 'utf8').catch(() => '')).trim());
      if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && alive(owner)) {
        throw new LockedError(
          `data dir ${dataDir} is in use by another Switchboard process (pid ${owner})`,
          owner,
        );
      }
      await fs.rm(file, { force: true });
    }
  }
  throw new LockedError(`could not lock data dir ${dataDir}`);
}
