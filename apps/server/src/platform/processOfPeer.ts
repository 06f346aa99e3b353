// Which local process made a request (Linux): the peer's end of the connection is a row of /proc/net/tcp or tcp6 that
// names the socket's inode and owner uid; the process is the one, among that uid's, whose /proc/<pid>/fd links to
// `socket:[inode]`. Found while the connection is open — once the client closes, its socket is gone. Never throws:
// every failure is a ProcessMiss. Off Linux there is no /proc, and the answer is "unsupported" at once.
import { readdir, readFile, readlink, stat } from "node:fs/promises"
import { endianness, networkInterfaces } from "node:os"
import { type CallerProcess, type IpAddress, type ProcessMiss, parseIp } from "@aliyun-imds/core"
import type { Peer } from "../data/MetadataRequest.ts"
import { addressHex, endKey, findTcpSocket, portHex, type TcpTable } from "./procNetTcp.ts"

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
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ")
  const ppid = Number(fields[1])
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

  /** The peer's socket: its owner and inode, from the IPv4 table and then (for mapped addresses) the IPv6 one. */
  const socketOf = async (
    peer: IpAddress,
    local: IpAddress | null,
    connection: Connection
  ): Promise<{ readonly uid: number; readonly inode: number } | ProcessMiss> => {
    const tables: ReadonlyArray<TcpTable> = peer.family === 4 ? ["tcp", "tcp6"] : ["tcp6"]
    for (const table of tables) {
      const from = addressHex(peer, table, littleEndian)
      const to = endKey(local, connection.local.port, table, littleEndian)
      if (from === null || to === null) continue
      let text: string
      try {
        text = await fs.readText(`/proc/net/${table}`)
      } catch (error) {
        if (isDenied(error)) return "denied"
        continue // no IPv6 table on a kernel without IPv6
      }
      const found = findTcpSocket(text, { address: from, port: portHex(connection.remote.port) }, to)
      if (found !== null) return found
    }
    return "not-found"
  }

  const holds = async (pid: number, link: string): Promise<"yes" | "no" | "denied"> => {
    let fds: ReadonlyArray<string>
    try {
      fds = await fs.list(`/proc/${pid}/fd`)
    } catch (error) {
      return isDenied(error) ? "denied" : "no"
    }
    const links = await Promise.all(fds.map((fd) => fs.link(`/proc/${pid}/fd/${fd}`).catch(() => "")))
    return links.includes(link) ? "yes" : "no"
  }

  const uidOf = (pid: number): Promise<number> => fs.uid(`/proc/${pid}`).catch(() => -1)

  const remember = (pid: number): number => {
    const at = recent.indexOf(pid)
    if (at !== -1) recent.splice(at, 1)
    recent.unshift(pid)
    if (recent.length > recentLimit) recent.pop()
    return pid
  }

  /** The process holding the socket: recent holders first, then that uid's processes, newest first; the first hit. */
  const holderOf = async (socket: { readonly uid: number; readonly inode: number }): Promise<number | ProcessMiss> => {
    const link = `socket:[${socket.inode}]`
    const tried = new Set<number>()
    let denied = false
    const tryPid = async (pid: number): Promise<boolean> => {
      tried.add(pid)
      const answer = await holds(pid, link)
      if (answer === "denied") denied = true
      return answer === "yes"
    }
    for (const pid of [...recent]) {
      if ((await uidOf(pid)) === socket.uid && (await tryPid(pid))) return remember(pid)
    }
    const pids = (await fs.list("/proc"))
      .filter((name) => /^\d+$/.test(name))
      .map(Number)
      .filter((pid) => !tried.has(pid))
      .sort((a, b) => b - a)
    const uids = await Promise.all(pids.map(uidOf))
    for (const [i, pid] of pids.entries()) {
      if (uids[i] === socket.uid && (await tryPid(pid))) return remember(pid)
    }
    return denied ? "denied" : "not-found"
  }

  const describe = async (pid: number): Promise<CallerProcess> => {
    const [exe, cmdline, ppid] = await Promise.all([
      fs.link(`/proc/${pid}/exe`).catch(() => null),
      fs.readText(`/proc/${pid}/cmdline`).then(cmdlineText, () => ""),
      fs.readText(`/proc/${pid}/stat`).then(ppidFromStat, () => null)
    ])
    return { pid, ppid, exe, cmdline }
  }

  const find = async (peer: IpAddress, local: IpAddress | null, connection: Connection): Promise<Found> => {
    const socket = await socketOf(peer, local, connection)
    if (typeof socket === "string") return socket
    const pid = await holderOf(socket)
    return typeof pid === "string" ? pid : describe(pid)
  }

  return (connection) => {
    if (platform !== "linux") return "unsupported"
    const peer = parseIp(connection.remote.address)
    if (peer === null) return "not-found"
    const listening = parseIp(connection.local.address)
    // A wildcard listener's own end is whichever address the client dialled: match any.
    const local = listening === null || isUnspecified(listening) ? null : listening
    if (!onHost(peer, local)) return "remote"
    return find(peer, local, connection).catch((): Found => "not-found")
  }
}
