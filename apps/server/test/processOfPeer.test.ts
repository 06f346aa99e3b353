// The process lookup over a made-up /proc (tables, processes, their fds, owners and errors), so every branch — found,
// each miss reason, the uid filter, first hit, recent holders — is checked exactly and the files it read are known.
// The real /proc is exercised by attribution.test.ts with real clients.
import { describe, expect, it } from "vitest"
import { perSocket } from "../src/platform/callerCache.ts"
import {
  type Connection,
  cmdlineLimit,
  cmdlineText,
  type Found,
  makeProcessLookup,
  type ProcFs,
  ppidFromStat
} from "../src/platform/processOfPeer.ts"

const fsError = (code: string) => Object.assign(new Error(code), { code })

interface FakeProcess {
  readonly pid: number
  readonly uid: number
  /** fd number → link target, or an error code for the whole fd directory. */
  readonly fds: Readonly<Record<string, string>> | string
  readonly exe?: string | null
  readonly cmdline?: string | null
  readonly stat?: string | null
}

interface FakeProc {
  readonly tcp?: string | Error
  readonly tcp6?: string | Error
  readonly processes: ReadonlyArray<FakeProcess>
  readonly listProc?: Error
}

/** A /proc built from `proc`, and every path the lookup touched, in order. */
const fakeProcFs = (proc: FakeProc) => {
  const touched: Array<string> = []
  const byPid = new Map(proc.processes.map((p) => [p.pid, p]))
  const processAt = (path: string) => {
    const found = byPid.get(Number(path.split("/")[2]))
    if (found === undefined) throw fsError("ENOENT")
    return found
  }
  const fs: ProcFs = {
    readText: async (path) => {
      touched.push(`read ${path}`)
      if (path === "/proc/net/tcp" || path === "/proc/net/tcp6") {
        const table = path.endsWith("6") ? proc.tcp6 : proc.tcp
        if (table === undefined) throw fsError("ENOENT")
        if (table instanceof Error) throw table
        return table
      }
      const p = processAt(path)
      const value = path.endsWith("/cmdline") ? p.cmdline : p.stat
      if (value == null) throw fsError("ENOENT")
      return value
    },
    list: async (path) => {
      touched.push(`list ${path}`)
      if (path === "/proc") {
        if (proc.listProc !== undefined) throw proc.listProc
        return ["self", "net", ...proc.processes.map((p) => String(p.pid)), "sys"]
      }
      const { fds } = processAt(path)
      if (typeof fds === "string") throw fsError(fds)
      return Object.keys(fds)
    },
    link: async (path) => {
      const p = processAt(path)
      if (path.endsWith("/exe")) {
        if (p.exe == null) throw fsError("EACCES")
        return p.exe
      }
      const target = (p.fds as Record<string, string>)[path.split("/")[4]!]
      if (target === undefined) throw fsError("ENOENT")
      return target
    },
    uid: async (path) => processAt(path).uid
  }
  return { fs, touched }
}

const header = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode"
const row = (local: string, remote: string, uid: number, inode: number) =>
  `   0: ${local} ${remote} 01 00000000:00000000 00:00000000 00000000 ${uid} 0 ${inode} 1 0000000000000000 20 4 30 10 -1`

// Client 127.0.0.1:40000 → server 127.0.0.1:8100, created by uid 1000 as inode 5001.
const tcp = [header, row("0100007F:9C40", "0100007F:1FA4", 1000, 5001), ""].join("\n")
const connection: Connection = {
  local: { address: "127.0.0.1", port: 8100 },
  remote: { address: "127.0.0.1", port: 40000 }
}

const python: FakeProcess = {
  pid: 120,
  uid: 1000,
  fds: { "0": "/dev/null", "1": "pipe:[77]", "3": "socket:[5001]" },
  exe: "/usr/bin/python3.12",
  cmdline: "python3\0-c\0import urllib.request\0",
  stat: "120 (my (odd) name) S 77 120 77 0 -1 4194560"
}

const lookupWith = (proc: FakeProc, options: { platform?: string; hostAddresses?: ReadonlyArray<string> } = {}) => {
  const { fs, touched } = fakeProcFs(proc)
  const lookup = makeProcessLookup({
    fs,
    platform: options.platform ?? "linux",
    littleEndian: true,
    hostAddresses: () => options.hostAddresses ?? []
  })
  return { lookup, touched }
}

describe("makeProcessLookup", () => {
  it("names the process whose fd links to the peer's socket: pid, parent, executable and command line", async () => {
    const { lookup } = lookupWith({ tcp, processes: [python] })

    expect(await lookup(connection)).toEqual({
      pid: 120,
      ppid: 77,
      exe: "/usr/bin/python3.12",
      cmdline: "python3 -c import urllib.request"
    })
  })

  it("off Linux answers unsupported at once, reading nothing", () => {
    const { lookup, touched } = lookupWith({ tcp, processes: [python] }, { platform: "darwin" })

    expect(lookup(connection)).toBe("unsupported")
    expect(touched).toEqual([])
  })

  it("a peer at none of this host's addresses is remote, answered at once", () => {
    const { lookup, touched } = lookupWith({ tcp, processes: [python] }, { hostAddresses: ["192.168.1.20"] })

    expect(lookup({ local: { address: "10.0.0.5", port: 80 }, remote: { address: "203.0.113.7", port: 5 } })).toBe(
      "remote"
    )
    expect(touched).toEqual([])
  })

  it("a peer at the listener's own address or another of this host's addresses is looked up", async () => {
    const own = "0500000A" // 10.0.0.5
    const other = "1401A8C0" // 192.168.1.20
    const table = [
      header,
      row(`${own}:9C40`, `${own}:0050`, 1000, 5001),
      row(`${other}:9C41`, `${own}:0050`, 1000, 5002)
    ]
    const holder: FakeProcess = { ...python, fds: { "3": "socket:[5001]", "4": "socket:[5002]" } }
    const { lookup } = lookupWith({ tcp: table.join("\n"), processes: [holder] }, { hostAddresses: ["192.168.1.20"] })

    const fromOwn = await lookup({
      local: { address: "10.0.0.5", port: 80 },
      remote: { address: "10.0.0.5", port: 40000 }
    })
    const fromOther = await lookup({
      local: { address: "10.0.0.5", port: 80 },
      remote: { address: "192.168.1.20", port: 40001 }
    })
    expect([fromOwn, fromOther].map((f) => (typeof f === "string" ? f : f.pid))).toEqual([120, 120])
  })

  it("scans only the processes of the socket's uid, newest pid first, and stops at the first holder", async () => {
    const rootHolder: FakeProcess = { ...python, pid: 500, uid: 0 }
    const child: FakeProcess = { ...python, pid: 130 } // inherited the socket: the newer pid wins
    const idle: FakeProcess = { ...python, pid: 140, fds: { "0": "/dev/null" } }
    const { lookup, touched } = lookupWith({ tcp, processes: [python, rootHolder, child, idle] })

    const found = await lookup(connection)

    expect(typeof found === "string" ? found : found.pid).toBe(130)
    expect(touched.filter((t) => t.startsWith("list /proc/"))).toEqual(["list /proc/140/fd", "list /proc/130/fd"])
  })

  it("tries a recent holder first, without listing /proc", async () => {
    const twoSockets = [tcp.trimEnd(), row("0100007F:9C41", "0100007F:1FA4", 1000, 5009), ""].join("\n")
    const holder: FakeProcess = { ...python, fds: { "3": "socket:[5001]", "4": "socket:[5009]" } }
    const { lookup, touched } = lookupWith({ tcp: twoSockets, processes: [holder] })

    await lookup(connection)
    touched.length = 0
    const second = await lookup({ ...connection, remote: { address: "127.0.0.1", port: 40001 } })

    expect(typeof second === "string" ? second : second.pid).toBe(120)
    expect(touched).not.toContain("list /proc")
  })

  it("lookups that arrive together share reads: the first starts at once, the rest share the next", async () => {
    const table = [header, ...[0, 1, 2].map((i) => row(`0100007F:9C4${i}`, "0100007F:1FA4", 1000, 5001 + i)), ""]
    const holder: FakeProcess = { ...python, fds: { "3": "socket:[5001]", "4": "socket:[5002]", "5": "socket:[5003]" } }
    const { lookup, touched } = lookupWith({
      tcp: table.join("\n"),
      processes: [holder, { ...python, pid: 99, fds: {} }]
    })
    const from = (port: number): Connection => ({ ...connection, remote: { address: "127.0.0.1", port } })

    const answers = await Promise.all([lookup(from(40000)), lookup(from(40001)), lookup(from(40002))])

    expect(answers.map((a) => (typeof a === "string" ? a : a.pid))).toEqual([120, 120, 120])
    expect(touched.filter((t) => t === "read /proc/net/tcp")).toHaveLength(2)
    expect(touched.filter((t) => t === "list /proc")).toHaveLength(1)
    expect(touched.filter((t) => t === "read /proc/120/cmdline")).toHaveLength(2)
  })

  it("a recent holder of another uid is passed over", async () => {
    const other = [tcp.trimEnd(), row("0100007F:9C41", "0100007F:1FA4", 2000, 5009), ""].join("\n")
    const second: FakeProcess = { ...python, pid: 200, uid: 2000, fds: { "5": "socket:[5009]" } }
    const { lookup, touched } = lookupWith({ tcp: other, processes: [python, second] })

    await lookup(connection)
    touched.length = 0
    const found = await lookup({ ...connection, remote: { address: "127.0.0.1", port: 40001 } })

    expect(typeof found === "string" ? found : found.pid).toBe(200)
    expect(touched).not.toContain("list /proc/120/fd")
  })

  it("finds a dual-stack client: an IPv4-mapped peer in the tcp6 table after the tcp one", async () => {
    const tcp6 = [
      header,
      row("0000000000000000FFFF00000100007F:9C42", "0000000000000000FFFF00000100007F:1FA4", 1000, 6002)
    ]
    const holder: FakeProcess = { ...python, fds: { "7": "socket:[6002]" } }
    const { lookup, touched } = lookupWith({ tcp, tcp6: tcp6.join("\n"), processes: [holder] })

    const found = await lookup({
      local: { address: "::ffff:127.0.0.1", port: 8100 },
      remote: { address: "::ffff:127.0.0.1", port: 40002 }
    })

    expect(typeof found === "string" ? found : found.pid).toBe(120)
    expect(touched.slice(0, 2)).toEqual(["read /proc/net/tcp", "read /proc/net/tcp6"])
  })

  it("looks an IPv6 peer up in the tcp6 table only", async () => {
    const tcp6 = [
      header,
      row("00000000000000000000000001000000:9C41", "00000000000000000000000001000000:1FA4", 1000, 6001)
    ]
    const holder: FakeProcess = { ...python, fds: { "7": "socket:[6001]" } }
    const { lookup, touched } = lookupWith({ tcp, tcp6: tcp6.join("\n"), processes: [holder] })

    const found = await lookup({ local: { address: "::1", port: 8100 }, remote: { address: "::1", port: 40001 } })

    expect(typeof found === "string" ? found : found.pid).toBe(120)
    expect(touched).not.toContain("read /proc/net/tcp")
  })

  it("with a wildcard listener (Bun on 0.0.0.0) matches any address the client dialled", async () => {
    const { lookup } = lookupWith({ tcp, processes: [python] })

    const found = await lookup({ local: { address: "0.0.0.0", port: 8100 }, remote: connection.remote })

    expect(typeof found === "string" ? found : found.pid).toBe(120)
  })

  it("is not-found when the socket has left the table (the client closed), reading no process", async () => {
    const { lookup, touched } = lookupWith({ tcp: header, processes: [python] })

    expect(await lookup(connection)).toBe("not-found")
    expect(touched).toEqual(["read /proc/net/tcp", "read /proc/net/tcp6"])
  })

  it("is not-found when no process of that uid holds the socket", async () => {
    const { lookup } = lookupWith({ tcp, processes: [{ ...python, fds: { "3": "socket:[4]" } }] })

    expect(await lookup(connection)).toBe("not-found")
  })

  it("is denied when a candidate's fds cannot be read and no other holds the socket", async () => {
    const { lookup } = lookupWith({
      tcp,
      processes: [
        { ...python, pid: 121, fds: "EACCES" },
        { ...python, pid: 122, fds: { "0": "/dev/null" } },
        { ...python, pid: 123, fds: "ENOENT" }
      ]
    })

    expect(await lookup(connection)).toBe("denied")
  })

  it("is denied when EPERM hides the fds, and when the table itself cannot be read", async () => {
    const eperm = lookupWith({ tcp, processes: [{ ...python, fds: "EPERM" }] })
    const table = lookupWith({ tcp: fsError("EACCES"), processes: [python] })

    expect(await eperm.lookup(connection)).toBe("denied")
    expect(await table.lookup(connection)).toBe("denied")
  })

  it("never throws: an unreadable /proc, an odd error or an unparsable peer is a miss", async () => {
    const listing = lookupWith({ tcp, processes: [python], listProc: fsError("EIO") })
    const table = lookupWith({ tcp: fsError("EIO"), processes: [python] })
    const noPeer = lookupWith({ tcp, processes: [python] })

    expect(await listing.lookup(connection)).toBe("not-found")
    expect(await table.lookup(connection)).toBe("not-found")
    expect(noPeer.lookup({ local: connection.local, remote: { address: "", port: 0 } })).toBe("not-found")
  })

  it("keeps the pid when the process leaves before its details are read", async () => {
    const { lookup } = lookupWith({ tcp, processes: [{ ...python, exe: null, cmdline: null, stat: null }] })

    expect(await lookup(connection)).toEqual({ pid: 120, ppid: null, exe: null, cmdline: "" })
  })
})

describe("the /proc text readers", () => {
  it("cmdlineText joins NUL-separated arguments with spaces and bounds the length", () => {
    expect(cmdlineText("curl\0-s\0http://100.100.100.200/\0")).toBe("curl -s http://100.100.100.200/")
    expect(cmdlineText("a\0\0b\0\0")).toBe("a  b")
    expect(cmdlineText("")).toBe("")
    expect(cmdlineText(`x\0${"y".repeat(5000)}\0`)).toHaveLength(cmdlineLimit)
  })

  it("ppidFromStat reads the field after the state, whatever the command name holds", () => {
    expect(ppidFromStat("4242 (python3) S 1 4242 4242 0 -1")).toBe(1)
    expect(ppidFromStat("77 (a) b (c) R 76 77 0")).toBe(76)
    expect(ppidFromStat("1 (systemd) S 0 1 1 0")).toBe(0)
    expect(ppidFromStat("garbage")).toBeNull()
  })
})

describe("per-connection caches", () => {
  const counting = (answer: () => Found | Promise<Found>) => {
    const asked: Array<Connection> = []
    const lookup = (c: Connection) => {
      asked.push(c)
      return answer() as ReturnType<ReturnType<typeof makeProcessLookup>>
    }
    return { lookup, asked }
  }
  const caller = { pid: 1, ppid: 0, exe: null, cmdline: "" }

  it("perSocket looks a socket up once, sharing the pending answer, then answers at once", async () => {
    const { lookup, asked } = counting(() => Promise.resolve(caller))
    const callers = perSocket(lookup)
    const socket = {}

    const first = callers(socket, () => connection)
    const second = callers(socket, () => connection)
    expect(second).toBe(first)
    expect(await first).toBe(caller)
    expect(callers(socket, () => connection)).toBe(caller)
    await callers({}, () => connection)
    expect(asked).toHaveLength(2)
  })

  it("perSocket keeps an immediate miss, and turns a failed lookup into not-found", async () => {
    const immediate = counting(() => "remote")
    const callers = perSocket(immediate.lookup)
    const socket = {}
    expect(callers(socket, () => connection)).toBe("remote")
    expect(callers(socket, () => connection)).toBe("remote")
    expect(immediate.asked).toHaveLength(1)

    const failing = perSocket(counting(() => Promise.reject(new Error("bug"))).lookup)
    expect(await failing(socket, () => connection)).toBe("not-found")
    expect(failing(socket, () => connection)).toBe("not-found")
  })
})
