// One emulator per state file: a lock file next to it (`FILE.lock`) holding the owner's pid and host, created
// atomically (written aside, then hard-linked into place). A lock whose process is gone (same host, no such pid) is
// stale and taken over; one held by a live process refuses the start.
//
// On Linux the pid is the one /proc shows, with the process's start time: a server in a PID namespace of its own
// (`sandbox`) has a small pid there that another namespace cannot see or would mistake for one of its own processes,
// while /proc names every process by one number; the start time tells a pid taken again from the owner.
import { readFileSync, readlinkSync } from "node:fs"
import { link, readFile, unlink, writeFile } from "node:fs/promises"
import { hostname } from "node:os"
import { statFieldsAfterComm } from "../platform/procStat.ts"

export interface LockOwner {
  readonly pid: number
  readonly host: string
  /** Linux: the process's start time in clock ticks since boot (field 22 of /proc/PID/stat). */
  readonly start?: string
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

/** The start time of a process as /proc shows it, or null when there is no such process, it has exited, or no /proc. */
const startOf = (pid: number): string | null => {
  try {
    const fields = statFieldsAfterComm(readFileSync(`/proc/${pid}/stat`, "utf8"))
    // A zombie (exited, not yet reaped by its parent) holds nothing any more.
    return fields[0] === "Z" || fields[0] === "X" ? null : (fields[19] ?? null)
  } catch {
    return null
  }
}

/** This process as /proc names it (in a PID namespace of its own, process.pid is another number). */
const procSelf = (): { readonly pid: number; readonly start: string } | null => {
  if (process.platform !== "linux") return null
  try {
    const pid = Number(readlinkSync("/proc/self"))
    const start = Number.isInteger(pid) ? startOf(pid) : null
    return start === null ? null : { pid, start }
  } catch {
    return null
  }
}

const self = (): LockOwner => {
  const proc = procSelf()
  return proc === null ? { pid: process.pid, host: hostname() } : { ...proc, host: hostname() }
}

const ownerOf = async (path: string): Promise<LockOwner | null | "gone"> => {
  const text = await readFile(path, "utf8").catch((e: NodeJS.ErrnoException) => {
    if (e.code === "ENOENT") return "gone" as const
    throw e
  })
  if (text === "gone") return text
  try {
    const { pid, host, start } = JSON.parse(text) as Partial<LockOwner>
    if (!Number.isInteger(pid) || typeof host !== "string") return null
    return typeof start === "string" ? { pid: pid as number, host, start } : { pid: pid as number, host }
  } catch {
    return null
  }
}

/** Whether `owner` may still be running: another host cannot be checked, so it counts as running. */
const running = (owner: LockOwner, path: string, me: LockOwner): boolean => {
  if (owner.host !== hostname()) return true
  if (owner.start !== undefined && me.start !== undefined) {
    // Both named as /proc names them: the owner runs if that pid exists and started when the owner did.
    if (startOf(owner.pid) !== owner.start) return false
    return owner.pid === me.pid && owner.start === me.start ? held.has(path) : true
  }
  if (owner.pid === me.pid) return held.has(path)
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
          if (
            owner !== null &&
            owner !== "gone" &&
            owner.pid === me.pid &&
            owner.host === me.host &&
            owner.start === me.start
          ) {
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
      if (owner === null || running(owner, path, me)) throw new StateLocked(path, owner)
      await unlink(path).catch((e: NodeJS.ErrnoException) => {
        if (e.code !== "ENOENT") throw e
      })
    }
    throw new StateLocked(path, null)
  } finally {
    await unlink(aside).catch(() => {})
  }
}
