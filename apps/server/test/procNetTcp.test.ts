// The /proc/net/tcp{,6} reader on fixed table text: rows copied from a little-endian Linux (x86-64) plus the same
// sockets as a big-endian kernel prints them, covering IPv4, IPv6 and IPv4-mapped addresses on dual-stack sockets.
import { parseIp } from "@aliyun-imds/core"
import { describe, expect, it } from "vitest"
import { addressHex, endKey, findTcpSocket, indexTcpTable, parseTcpTable } from "../src/platform/procNetTcp.ts"

const ip = (text: string) => {
  const parsed = parseIp(text)
  if (parsed === null) throw new Error(`not an address: ${text}`)
  return parsed
}

// 127.0.0.1:8100 listening; a client 127.0.0.1:40000 → 127.0.0.1:8100 (uid 1000, inode 5001) and the server's end
// of it (uid 0, inode 5002); a TIME_WAIT row of an earlier connection from the same client port (inode 0);
// 10.1.2.3:22 ← 192.168.7.9:51000.
const tcpLittle = `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0100007F:1FA4 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 5000 1 000000006e0ba0b9 100 0 0 10 0
   1: 0100007F:9C40 0100007F:1FA4 06 00000000:00000000 03:00000C11 00000000     0        0 0 3 000000005178e9a6
   2: 0100007F:9C40 0100007F:1FA4 01 00000000:00000000 00:00000000 00000000  1000        0 5001 1 0000000029dd68ef 20 4 30 10 -1
   3: 0100007F:1FA4 0100007F:9C40 01 00000000:00000000 00:00000000 00000000     0        0 5002 1 00000000a1b2c3d4 20 4 30 10 -1
   4: 0302010A:0016 0907A8C0:C738 01 00000000:00000000 02:000AF2B6 00000000     0        0 5003 2 00000000deadbeef 20 4 29 10 -1
`

// ::1:8100 ← ::1:40001 (uid 1000, inode 6001); a dual-stack client ::ffff:127.0.0.1:40002 → ::ffff:127.0.0.1:8100
// (uid 1001, inode 6002); 2001:db8::5:443 ← fe80::1:2:50000 (inode 6003).
const tcp6Little = `  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000000000000000000001000000:9C41 00000000000000000000000001000000:1FA4 01 00000000:00000000 00:00000000 00000000  1000        0 6001 1 0000000029dd68ef 20 0 0 10 -1
   1: 0000000000000000FFFF00000100007F:9C42 0000000000000000FFFF00000100007F:1FA4 01 00000000:00000000 00:00000000 00000000  1001        0 6002 1 0000000029dd68ef 20 0 0 10 -1
   2: B80D0120000000000000000005000000:01BB 000080FE000000000000000002000100:C350 01 00000000:00000000 00:00000000 00000000     0        0 6003 1 0000000029dd68ef 20 0 0 10 -1
`

// The client row of tcpLittle and the mapped row of tcp6Little as a big-endian kernel prints them.
const tcpBig = `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 7F000001:9C40 7F000001:1FA4 01 00000000:00000000 00:00000000 00000000  1000        0 5001 1 0000000029dd68ef 20 4 30 10 -1
`
const tcp6Big = `  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000000000000000FFFF7F000001:9C42 00000000000000000000FFFF7F000001:1FA4 01 00000000:00000000 00:00000000 00000000  1001        0 6002 1 0000000029dd68ef 20 0 0 10 -1
`

describe("parseTcpTable", () => {
  it("reads IPv4 rows: endpoints, state, uid and inode, skipping the header", () => {
    expect(parseTcpTable(tcpLittle, true)).toEqual([
      {
        local: { address: "127.0.0.1", port: 8100 },
        remote: { address: "0.0.0.0", port: 0 },
        state: 10,
        uid: 0,
        inode: 5000
      },
      {
        local: { address: "127.0.0.1", port: 40000 },
        remote: { address: "127.0.0.1", port: 8100 },
        state: 6,
        uid: 0,
        inode: 0
      },
      {
        local: { address: "127.0.0.1", port: 40000 },
        remote: { address: "127.0.0.1", port: 8100 },
        state: 1,
        uid: 1000,
        inode: 5001
      },
      {
        local: { address: "127.0.0.1", port: 8100 },
        remote: { address: "127.0.0.1", port: 40000 },
        state: 1,
        uid: 0,
        inode: 5002
      },
      {
        local: { address: "10.1.2.3", port: 22 },
        remote: { address: "192.168.7.9", port: 51000 },
        state: 1,
        uid: 0,
        inode: 5003
      }
    ])
  })

  it("reads IPv6 rows, and IPv4-mapped addresses as the IPv4 address", () => {
    expect(parseTcpTable(tcp6Little, true).map((r) => [r.local, r.remote, r.uid, r.inode])).toEqual([
      [{ address: "::1", port: 40001 }, { address: "::1", port: 8100 }, 1000, 6001],
      [{ address: "127.0.0.1", port: 40002 }, { address: "127.0.0.1", port: 8100 }, 1001, 6002],
      [{ address: "2001:db8::5", port: 443 }, { address: "fe80::1:2", port: 50000 }, 0, 6003]
    ])
  })

  it("reads the words in the byte order it is told", () => {
    expect(parseTcpTable(tcpBig, false)).toEqual([
      {
        local: { address: "127.0.0.1", port: 40000 },
        remote: { address: "127.0.0.1", port: 8100 },
        state: 1,
        uid: 1000,
        inode: 5001
      }
    ])
    expect(parseTcpTable(tcp6Big, false).map((r) => r.local)).toEqual([{ address: "127.0.0.1", port: 40002 }])
    expect(parseTcpTable(tcpBig, true)[0]?.local.address).toBe("1.0.0.127")
  })

  it("skips blank, short and malformed rows", () => {
    const text = [
      "  sl  local_address rem_address   st",
      "",
      "   0: 0100007F:1FA4",
      "   1: 0100007G:1FA4 00000000:0000 0A 00000000:00000000 00:00000000 00000000 0 0 1 1",
      "   2: 0100007F:1FA4 0000000000:0000 0A 00000000:00000000 00:00000000 00000000 0 0 2 1",
      "   3: 0100007F:1FA 00000000:0000 0A 00000000:00000000 00:00000000 00000000 0 0 3 1",
      "   x 0100007F:1FA4 00000000:0000 0A 00000000:00000000 00:00000000 00000000 0 0 4 1",
      "   5: 0100007F:1FA4 00000000:0000 0A 00000000:00000000 00:00000000 00000000 0 0 5 1"
    ].join("\n")
    expect(parseTcpTable(text, true).map((r) => r.inode)).toEqual([5])
  })
})

describe("addressHex and endKey", () => {
  it("spell addresses as each table prints them, in either byte order", () => {
    expect(addressHex(ip("127.0.0.1"), "tcp", true)).toBe("0100007F")
    expect(addressHex(ip("127.0.0.1"), "tcp", false)).toBe("7F000001")
    expect(addressHex(ip("10.1.2.3"), "tcp", true)).toBe("0302010A")
    expect(addressHex(ip("127.0.0.1"), "tcp6", true)).toBe("0000000000000000FFFF00000100007F")
    expect(addressHex(ip("::ffff:127.0.0.1"), "tcp6", false)).toBe("00000000000000000000FFFF7F000001")
    expect(addressHex(ip("::1"), "tcp6", true)).toBe("00000000000000000000000001000000")
    expect(addressHex(ip("2001:db8::5"), "tcp6", true)).toBe("B80D0120000000000000000005000000")
    expect(addressHex(ip("::1"), "tcp", true)).toBeNull()
  })

  it("give a wildcard end for an unknown address, and none where the table cannot hold the address", () => {
    expect(endKey(ip("127.0.0.1"), 8100, "tcp", true)).toEqual({ address: "0100007F", port: "1FA4" })
    expect(endKey(null, 80, "tcp6", true)).toEqual({ address: null, port: "0050" })
    expect(endKey(ip("::1"), 8100, "tcp", true)).toBeNull()
  })
})

describe("findTcpSocket", () => {
  const client = { address: "0100007F", port: "9C40" }
  const server = { address: "0100007F", port: "1FA4" }

  it("finds the live client row by its local end, not the server's row or the TIME_WAIT row", () => {
    expect(findTcpSocket(tcpLittle, client, server)).toEqual({ uid: 1000, inode: 5001 })
    expect(findTcpSocket(tcpLittle, client, { address: null, port: "1FA4" })).toEqual({ uid: 1000, inode: 5001 })
  })

  it("finds the server's end when asked for it from the other side", () => {
    expect(findTcpSocket(tcpLittle, server, client)).toEqual({ uid: 0, inode: 5002 })
  })

  it("finds nothing when the remote end differs or only a TIME_WAIT row is left", () => {
    expect(findTcpSocket(tcpLittle, client, { address: "0100007F", port: "1FA5" })).toBeNull()
    expect(findTcpSocket(tcpLittle, client, { address: "0200007F", port: "1FA4" })).toBeNull()
    const timeWaitOnly = tcpLittle
      .split("\n")
      .filter((line) => !line.includes(" 5001 "))
      .join("\n")
    expect(findTcpSocket(timeWaitOnly, client, server)).toBeNull()
  })

  it("finds IPv6 and IPv4-mapped client rows in the tcp6 table, in either byte order", () => {
    const v6 = { address: addressHex(ip("::1"), "tcp6", true)!, port: "9C41" }
    expect(findTcpSocket(tcp6Little, v6, endKey(ip("::1"), 8100, "tcp6", true)!)).toEqual({ uid: 1000, inode: 6001 })
    const mapped = { address: addressHex(ip("127.0.0.1"), "tcp6", true)!, port: "9C42" }
    expect(findTcpSocket(tcp6Little, mapped, endKey(ip("127.0.0.1"), 8100, "tcp6", true)!)).toEqual({
      uid: 1001,
      inode: 6002
    })
    const mappedBig = { address: addressHex(ip("127.0.0.1"), "tcp6", false)!, port: "9C42" }
    expect(findTcpSocket(tcp6Big, mappedBig, endKey(null, 8100, "tcp6", false)!)).toEqual({ uid: 1001, inode: 6002 })
  })

  it("does not take a remote-column match for the local end", () => {
    // 127.0.0.1:8100 appears only as the remote end of the client's row once the server row is gone.
    const clientOnly = tcpLittle
      .split("\n")
      .filter((line) => !line.includes(" 5002 ") && !line.includes(" 5000 "))
      .join("\n")
    expect(findTcpSocket(clientOnly, server, client)).toBeNull()
  })
})

describe("indexTcpTable", () => {
  /** The rows of a busy host: per client port, TIME_WAIT rows of earlier connections, then maybe the live one. */
  const busy = (ports: number): { text: string; live: Map<number, number> } => {
    const live = new Map<number, number>()
    const lines = ["  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode"]
    const hex = (n: number) => n.toString(16).toUpperCase().padStart(4, "0")
    for (let i = 0; i < ports; i++) {
      const port = 30000 + i
      const row = (st: string, inode: number) =>
        `${String(lines.length - 1).padStart(4)}: 0100007F:${hex(port)} 0100007F:1FA4 ${st} 00000000:00000000 ` +
        `00:00000000 00000000  1000        0 ${inode} 1 0000000029dd68ef 20 4 30 10 -1`
      lines.push(row("06", 0))
      if (i % 3 !== 0) {
        live.set(port, 100000 + i)
        lines.push(row("01", 100000 + i))
      }
    }
    return { text: `${lines.join("\n")}\n`, live }
  }

  it("answers many lookups from one pass: each port's live row, none where only TIME_WAIT rows or no rows are", () => {
    const { text, live } = busy(3000)
    const index = indexTcpTable(text)
    const server = { address: "0100007F", port: "1FA4" }
    for (let port = 29990; port < 33010; port += 7) {
      const client = { address: "0100007F", port: port.toString(16).toUpperCase().padStart(4, "0") }
      const inode = live.get(port)
      expect(index.find(client, server), String(port)).toEqual(inode === undefined ? null : { uid: 1000, inode })
    }
  })

  it("reads the fixture tables as findTcpSocket does, and a table without a final newline", () => {
    const index = indexTcpTable(tcpLittle.trimEnd())
    expect(index.find({ address: "0100007F", port: "9C40" }, { address: "0100007F", port: "1FA4" })).toEqual({
      uid: 1000,
      inode: 5001
    })
    expect(index.find({ address: "0302010A", port: "0016" }, { address: null, port: "C738" })).toEqual({
      uid: 0,
      inode: 5003
    })
    expect(indexTcpTable("").find({ address: "0100007F", port: "9C40" }, { address: null, port: "1FA4" })).toBeNull()
  })
})
