// Which local process made a request (Linux): the peer's end of the connection is a row of /proc/net/tcp or tcp6 that
// names the socket's inode and owner uid; the process is the one, among that uid's, whose /proc/<pid>/fd links to
// `socket:[inode]`. Found while the connection is open — once the client closes, its socket is gone. Lookups that
// arrive together share their reads of /proc (a busy host's table can be megabytes of TIME_WAIT rows). Never
// throws: every failure is a ProcessMiss. Off Linux there is no /proc, and the answer is "unsupported" at once.
import { readdir, readFile, readlink, stat } from "node:fs/promises"
import { endianness, networkInterfaces } from "node:os"
import { type CallerProcess, type IpAddress, type ProcessMiss, parseIp } from "@aliyun-imds/core"
import type { Peer } from "../data/MetadataRequest.ts"
import { addressHex, endKey, indexTcpTable, portHex, type TcpTable, type TcpTableIndex } from "./procNetTcp.ts"
import { statFieldsAfterComm } from "./procStat.ts"

export type Found = CallerProcess | ProcessMiss

/** A connection as the listener sees it: its own end (`local`) and the client's (`remote`). */
export interface Connection {
  readonly local: Peer
  readonly remote: Peer
}

/** Answers at once when no file needs reading (not Linux, a remote peer), else once /proc has been read. */
export type ProcessLookup = (connection: Connection) => ProcessMiss | Promise<Found>

/** What the lookup reads of /proc: the real file system, or a made-up /proc in tests. */
export interface ProcFs {
  readonly readText: (path: string) => Promise<string>
  readonly list: (path: string) => Promise<ReadonlyArray<string>>
  readonly link: (path: string) => Promise<string>
  /** The owner of a path; a /proc/<pid> directory belongs to the process's effective uid. */
  readonly uid: (path: string) => Promise<number>
}

export const nodeProcFs: ProcFs = {
  readText: (path) => readFile(path, "utf8"),
  list: (path) => readdir(path),
  link: (path) => readlink(path),
  uid: async (path) => (await stat(path)).uid
}

export interface LookupOptions {
  /** Default: this process's. */
  readonly platform?: string
  readonly fs?: ProcFs
  /** Byte order of the /proc/net/tcp words; default: this machine's. */
  readonly littleEndian?: boolean
  /** This host's own addresses (beyond loopback): a peer at one of them is local. Default: every interface's. */
  readonly hostAddresses?: () => ReadonlyArray<string>
}

/** The longest command line kept, in characters. */
export const cmdlineLimit = 1024

/** `/proc/<pid>/cmdline` as text: arguments are NUL-terminated; they are joined with spaces and bounded. */
export const cmdlineText = (raw: string): string => raw.replace(/\0+$/, "").replaceAll("\0", " ").slice(0, cmdlineLimit)

/** The parent pid from `/proc/<pid>/stat` (`pid (comm) state ppid …`; comm may hold spaces and parentheses). */
export const ppidFromStat = (stat: string): number | null => {
  const ppid = Number(statFieldsAfterComm(stat)[1])
  return Number.isInteger(ppid) && ppid >= 0 ? ppid : null
}

const errorCode = (error: unknown): unknown => (error as { code?: unknown } | null)?.code

const isDenied = (error: unknown): boolean => errorCode(error) === "EACCES" || errorCode(error) === "EPERM"

const isLoopbackIp = (ip: IpAddress): boolean => (ip.family === 4 ? ip.value >>> 24 === 127 : ip.value === 1n)

const isUnspecified = (ip: IpAddress): boolean => (ip.family === 4 ? ip.value === 0 : ip.value === 0n)

const sameIp = (a: IpAddress, b: IpAddress): boolean => a.family === b.family && a.value === b.value

const interfaceAddresses = (): ReadonlyArray<string> =>
  Object.values(networkInterfaces()).flatMap((list) => (list ?? []).map((i) => i.address))

/** Pids that held a peer's socket lately, tried first: a client usually opens many connections. */
const recentLimit = 8

/** One socket to attribute: its owner's uid and the link its holder's fd has. */
interface Wanted {
  readonly uid: number
  readonly link: string
}

/** A lookup waiting for its batch. */
interface Pending {
  readonly peer: IpAddress
  readonly local: IpAddress | null
  readonly connection: Connection
  readonly resolve: (found: Found) => void
}

export const makeProcessLookup = (options: LookupOptions = {}): ProcessLookup => {
  const platform = options.platform ?? process.platform
  const fs = options.fs ?? nodeProcFs
  const littleEndian = options.littleEndian ?? endianness() === "LE"
  const hostAddresses = options.hostAddresses ?? interfaceAddresses
  const recent: Array<number> = []

  const onHost = (peer: IpAddress, local: IpAddress | null): boolean =>
    isLoopbackIp(peer) ||
    (local !== null && sameIp(peer, local)) ||
    hostAddresses().some((a) => {
      const ip = parseIp(a)
      return ip !== null && sameIp(ip, peer)
    })

  /** A table's rows, or why it cannot be read; each table is read and indexed at most once per batch. */
  const tableReader = () => {
    const reads = new Map<TcpTable, Promise<TcpTableIndex | "denied" | "absent">>()
    return (table: TcpTable) => {
      let read = reads.get(table)
      if (read === undefined) {
        read = fs.readText(`/proc/net/${table}`).then(indexTcpTable, (error) => (isDenied(error) ? "denied" : "absent"))
        reads.set(table, read)
      }
      return read
    }
  }

  /** The peer's socket: its owner and inode, from the IPv4 table and then (for mapped addresses) the IPv6 one. */
  const socketOf = async (
    p: Pending,
    read: ReturnType<typeof tableReader>
  ): Promise<{ readonly uid: number; readonly inode: number } | ProcessMiss> => {
    const tables: ReadonlyArray<TcpTable> = p.peer.family === 4 ? ["tcp", "tcp6"] : ["tcp6"]
    for (const table of tables) {
      const from = addressHex(p.peer, table, littleEndian)
      const to = endKey(p.local, p.connection.local.port, table, littleEndian)
      if (from === null || to === null) continue
      const rows = await read(table)
      if (rows === "denied") return "denied"
      if (rows === "absent") continue // no IPv6 table on a kernel without IPv6
      const found = rows.find({ address: from, port: portHex(p.connection.remote.port) }, to)
      if (found !== null) return found
    }
    return "not-found"
  }

  const uidOf = (pid: number): Promise<number> => fs.uid(`/proc/${pid}`).catch(() => -1)

  const remember = (pid: number): void => {
    const at = recent.indexOf(pid)
    if (at !== -1) recent.splice(at, 1)
    recent.unshift(pid)
    if (recent.length > recentLimit) recent.pop()
  }

  /**
   * Which process holds each wanted socket: recent holders first, then, for sockets still unclaimed, the processes
   * of their owners' uids, newest pid first, until every socket has its first holder. The uids whose processes
   * could not be inspected are returned too.
   */
  const holdersOf = async (
    wanted: ReadonlyArray<Wanted>
  ): Promise<{ readonly holders: ReadonlyMap<string, number>; readonly denied: ReadonlySet<number> }> => {
    const links = new Set(wanted.map((w) => w.link))
    const holders = new Map<string, number>()
    const denied = new Set<number>()
    const tried = new Set<number>()
    const openUids = () => new Set(wanted.filter((w) => !holders.has(w.link)).map((w) => w.uid))
    const scan = async (pid: number, uid: number): Promise<void> => {
      tried.add(pid)
      let fds: ReadonlyArray<string>
      try {
        fds = await fs.list(`/proc/${pid}/fd`)
      } catch (error) {
        if (isDenied(error)) denied.add(uid)
        return
      }
      const targets = await Promise.all(fds.map((fd) => fs.link(`/proc/${pid}/fd/${fd}`).catch(() => "")))
      for (const target of targets) {
        if (!links.has(target) || holders.has(target)) continue
        holders.set(target, pid)
        remember(pid)
      }
    }
    for (const pid of [...recent]) {
      const uid = await uidOf(pid)
      if (openUids().has(uid)) await scan(pid, uid)
    }
    if (openUids().size === 0) return { holders, denied }
    const pids = (await fs.list("/proc"))
      .filter((name) => /^\d+$/.test(name))
      .map(Number)
      .filter((pid) => !tried.has(pid))
      .sort((a, b) => b - a)
    const uids = await Promise.all(pids.map(uidOf))
    for (const [i, pid] of pids.entries()) {
      const open = openUids()
      if (open.size === 0) break
      if (open.has(uids[i]!)) await scan(pid, uids[i]!)
    }
    return { holders, denied }
  }

  const describe = async (pid: number): Promise<CallerProcess> => {
    const [exe, cmdline, ppid] = await Promise.all([
      fs.link(`/proc/${pid}/exe`).catch(() => null),
      fs.readText(`/proc/${pid}/cmdline`).then(cmdlineText, () => ""),
      fs.readText(`/proc/${pid}/stat`).then(ppidFromStat, () => null)
    ])
    return { pid, ppid, exe, cmdline }
  }

  /** Attributes a batch of connections with one read of each table and one pass over the processes. */
  const attribute = async (batch: ReadonlyArray<Pending>): Promise<Array<Found>> => {
    const read = tableReader()
    const sockets = await Promise.all(batch.map((p) => socketOf(p, read)))
    const wanted = sockets.flatMap((s) => (typeof s === "string" ? [] : [{ uid: s.uid, link: `socket:[${s.inode}]` }]))
    const { holders, denied } =
      wanted.length === 0 ? { holders: new Map(), denied: new Set() } : await holdersOf(wanted)
    const described = new Map<number, Promise<CallerProcess>>()
    return Promise.all(
      sockets.map(async (socket): Promise<Found> => {
        if (typeof socket === "string") return socket
        const pid = holders.get(`socket:[${socket.inode}]`)
        if (pid === undefined) return denied.has(socket.uid) ? "denied" : "not-found"
        let caller = described.get(pid)
        if (caller === undefined) {
          caller = describe(pid)
          described.set(pid, caller)
        }
        return caller
      })
    )
  }

  // Lookups that arrive while a batch is at work wait for the next one, which starts after it: every read of a
  // table then starts after the connection it is asked about was accepted, and a burst of new connections costs
  // a few reads of /proc instead of one each.
  let queue: Array<Pending> = []
  let working = false
  const work = async (): Promise<void> => {
    working = true
    while (queue.length > 0) {
      const batch = queue
      queue = []
      const answers = await attribute(batch).catch(() => batch.map((): Found => "not-found"))
      for (const [i, p] of batch.entries()) p.resolve(answers[i]!)
    }
    working = false
  }

  return (connection) => {
    if (platform !== "linux") return "unsupported"
    const peer = parseIp(connection.remote.address)
    if (peer === null) return "not-found"
    const listening = parseIp(connection.local.address)
    // A wildcard listener's own end is whichever address the client dialled: match any.
    const local = listening === null || isUnspecified(listening) ? null : listening
    if (!onHost(peer, local)) return "remote"
    return new Promise<Found>((resolve) => {
      queue.push({ peer, local, connection, resolve })
      if (!working) void work()
    })
  }
}
