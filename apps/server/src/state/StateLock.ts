// One emulator per state file: a lock file next to it (`FILE.lock`) holding the owner's pid and host, created
// atomically (written aside, then hard-linked into place). A lock whose process is gone (same host, no such pid) is
// stale and taken over; one held by a live process refuses the start.
import { link, readFile, unlink, writeFile } from "node:fs/promises"
import { hostname } from "node:os"

export interface LockOwner {
  readonly pid: number
  readonly host: string
}

/** The lock is held by a running process (or one on another host, which cannot be checked from here). */
export class StateLocked extends Error {
  override readonly name = "StateLocked"
  readonly owner: LockOwner | null
  constructor(lockPath: string, owner: LockOwner | null) {
    super(`locked by ${owner === null ? "an unknown process" : `pid ${owner.pid} on ${owner.host}`} (${lockPath})`)
    this.owner = owner
  }
}

export interface StateLock {
  readonly path: string
  /** Removes the lock file if it is still this process's. */
  readonly release: () => Promise<void>
}

/** Locks this process holds: a lock naming this pid is live only if it is one of them (a container's pid 1 of an
 * earlier life is not). */
const held = new Set<string>()

const self = (): LockOwner => ({ pid: process.pid, host: hostname() })

const ownerOf = async (path: string): Promise<LockOwner | null | "gone"> => {
  const text = await readFile(path, "utf8").catch((e: NodeJS.ErrnoException) => {
    if (e.code === "ENOENT") return "gone" as const
    throw e
  })
  if (text === "gone") return text
  try {
    const { pid, host } = JSON.parse(text) as Partial<LockOwner>
    return Number.isInteger(pid) && typeof host === "string" ? { pid: pid as number, host } : null
  } catch {
    return null
  }
}

/** Whether `owner` may still be running: another host cannot be checked, so it counts as running. */
const running = (owner: LockOwner, path: string): boolean => {
  if (owner.host !== hostname()) return true
  if (owner.pid === process.pid) return held.has(path)
  try {
    process.kill(owner.pid, 0)
    return true
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM"
  }
}

/** Takes the lock of `statePath` (`statePath.lock`), replacing a stale one; fails with StateLocked. */
export const acquireStateLock = async (statePath: string): Promise<StateLock> => {
  const path = `${statePath}.lock`
  const me = self()
  const aside = `${path}.${me.pid}`
  await writeFile(aside, `${JSON.stringify(me)}\n`, { mode: 0o600 })
  try {
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        await link(aside, path)
        held.add(path)
        const release = async () => {
          held.delete(path)
          const owner = await ownerOf(path).catch(() => null)
          if (owner !== null && owner !== "gone" && owner.pid === me.pid && owner.host === me.host) {
            await unlink(path).catch(() => {})
          }
        }
        return { path, release }
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e
      }
      const owner = await ownerOf(path)
      if (owner === "gone") continue
      // An unreadable lock may be one being replaced right now: only a lock naming a dead process is taken over.
      if (owner === null || running(owner, path)) throw new StateLocked(path, owner)
      await unlink(path).catch((e: NodeJS.ErrnoException) => {
        if (e.code !== "ENOENT") throw e
      })
    }
    throw new StateLocked(path, null)
  } finally {
    await unlink(aside).catch(() => {})
  }
}
