// The packet-analyzer view of the journal: which processes still read metadata without a token (normal mode), and,
// when asked, which were refused — grouped by calling process (executable and command line, whatever its pid),
// instance, with counts, first and last time on the virtual clock, user agents and the paths read. What the
// ACS-ECS-ImdsPacketAnalyzer plugin logs on a real instance, computed from journal entries. Pure.
import type { CallerProcess, JournalEntry, ProcessMiss } from "./JournalEntry.ts"

export interface AuditQuery {
  /** Only entries with `time >= since` (epoch ms, virtual clock). */
  readonly since?: number
  /** Also requests that were refused: token-less reads under HttpTokens=required (403) and bad tokens (401). */
  readonly refused?: boolean
  /** Only this instance's requests. */
  readonly instanceId?: string
}

export interface AuditPath {
  readonly path: string
  readonly count: number
}

export interface AuditGroup {
  readonly instanceId: string | null
  /** The process (executable and command line; pids below), or null with `processMiss` saying why it is unknown. */
  readonly process: Pick<CallerProcess, "exe" | "cmdline"> | null
  readonly processMiss: ProcessMiss | null
  /** Every pid seen for this process, ascending; several when a program ran more than once. */
  readonly pids: ReadonlyArray<number>
  /** The peer address, for requests whose process is unknown (several processes may share it). */
  readonly peerAddress: string | null
  readonly userAgents: ReadonlyArray<string>
  /** Requests in this group; `normal` of them were answered without a token, `refused` were refused. */
  readonly count: number
  readonly normal: number
  readonly refused: number
  readonly firstTime: number
  readonly lastTime: number
  /** Paths read, most read first. */
  readonly paths: ReadonlyArray<AuditPath>
}

/** A token-less read that was answered, or (when asked) any request refused for its token or lack of one. */
const selected = (e: JournalEntry, q: AuditQuery): "normal" | "refused" | null => {
  if (q.since !== undefined && e.time < q.since) return null
  if (q.instanceId !== undefined && e.instanceId !== q.instanceId) return null
  const refused = e.status === 401 || (e.status === 403 && e.reason === "TokenRequired")
  if (refused) return q.refused === true ? "refused" : null
  return e.mode === "normal" && e.status > 0 && e.status < 400 ? "normal" : null
}

const keyOf = (e: JournalEntry): string =>
  e.process !== null
    ? JSON.stringify([e.instanceId, "p", e.process.exe, e.process.cmdline])
    : JSON.stringify([e.instanceId, "a", e.peerAddress, e.userAgent])

interface Building {
  readonly first: JournalEntry
  /** Why the process is unknown: the first reason other than the policy's "off", if any request had one. */
  miss: ProcessMiss | null
  readonly pids: Set<number>
  readonly userAgents: Set<string>
  readonly paths: Map<string, number>
  normal: number
  refused: number
  firstTime: number
  lastTime: number
}

/** Groups the selected entries; the largest group first, then the most recent, then by instance and name. */
export const auditOf = (entries: Iterable<JournalEntry>, q: AuditQuery = {}): ReadonlyArray<AuditGroup> => {
  const groups = new Map<string, Building>()
  for (const e of entries) {
    const kind = selected(e, q)
    if (kind === null) continue
    const key = keyOf(e)
    let g = groups.get(key)
    if (g === undefined) {
      g = {
        first: e,
        miss: e.processMiss,
        pids: new Set(),
        userAgents: new Set(),
        paths: new Map(),
        normal: 0,
        refused: 0,
        firstTime: e.time,
        lastTime: e.time
      }
      groups.set(key, g)
    }
    if (e.process !== null) g.pids.add(e.process.pid)
    else if (g.miss === "off" && e.processMiss !== null) g.miss = e.processMiss
    if (e.userAgent !== null) g.userAgents.add(e.userAgent)
    g.paths.set(e.path, (g.paths.get(e.path) ?? 0) + 1)
    if (kind === "normal") g.normal++
    else g.refused++
    g.firstTime = Math.min(g.firstTime, e.time)
    g.lastTime = Math.max(g.lastTime, e.time)
  }
  return [...groups.values()]
    .map(
      (g): AuditGroup => ({
        instanceId: g.first.instanceId,
        process: g.first.process === null ? null : { exe: g.first.process.exe, cmdline: g.first.process.cmdline },
        processMiss: g.first.process === null ? g.miss : null,
        pids: [...g.pids].sort((a, b) => a - b),
        peerAddress: g.first.process === null ? g.first.peerAddress : null,
        userAgents: [...g.userAgents].sort(),
        count: g.normal + g.refused,
        normal: g.normal,
        refused: g.refused,
        firstTime: g.firstTime,
        lastTime: g.lastTime,
        paths: [...g.paths]
          .map(([path, count]) => ({ path, count }))
          .sort((a, b) => b.count - a.count || a.path.localeCompare(b.path))
      })
    )
    .sort(
      (a, b) =>
        b.count - a.count ||
        b.lastTime - a.lastTime ||
        (a.instanceId ?? "").localeCompare(b.instanceId ?? "") ||
        labelOf(a).localeCompare(labelOf(b))
    )
}

/** What names a group in a listing: its command line, or its peer and user agents when the process is unknown. */
export const labelOf = (g: AuditGroup): string => g.process?.cmdline ?? `${g.peerAddress} ${g.userAgents.join(", ")}`
