// The kernel's TCP socket tables, /proc/net/tcp and /proc/net/tcp6 (Linux), read as data: each row's two endpoints,
// state, owner uid and socket inode. Addresses there are 32-bit words printed in hex in the host's byte order (IPv4
// `127.0.0.1` is `0100007F` on little-endian machines), so every function is told that order. IPv4 addresses on a
// dual-stack (tcp6) socket appear in their IPv4-mapped form (`::ffff:a.b.c.d`); they are read back as IPv4, as the
// fleet reads peers.
import { formatIp, type IpAddress } from "@aliyun-imds/core"

/** Which table: IPv4 sockets, or IPv6 ones (IPv4-mapped addresses included). */
export type TcpTable = "tcp" | "tcp6"

export interface TcpEndpoint {
  readonly address: string
  readonly port: number
}

export interface TcpRow {
  readonly local: TcpEndpoint
  readonly remote: TcpEndpoint
  /** The kernel's TCP state number (1 ESTABLISHED, 6 TIME_WAIT, 10 LISTEN, …). */
  readonly state: number
  /** The uid that created the socket. */
  readonly uid: number
  /** The socket's inode: `/proc/<pid>/fd/<n>` of its holder links to `socket:[inode]`. 0 for TIME_WAIT. */
  readonly inode: number
}

const swap32 = (n: number): number =>
  (((n & 0xff) << 24) | ((n & 0xff00) << 8) | ((n >>> 8) & 0xff00) | (n >>> 24)) >>> 0

const hexWord = (word: number, littleEndian: boolean): string =>
  (littleEndian ? swap32(word) : word).toString(16).toUpperCase().padStart(8, "0")

const mappedPrefix = 0xffffn << 32n

/** The address as the table prints it, or null when the table cannot hold it (IPv6 in `tcp`). */
export const addressHex = (ip: IpAddress, table: TcpTable, littleEndian: boolean): string | null => {
  if (table === "tcp") return ip.family === 4 ? hexWord(ip.value, littleEndian) : null
  const value = ip.family === 4 ? mappedPrefix | BigInt(ip.value) : ip.value
  let out = ""
  for (let shift = 96n; shift >= 0n; shift -= 32n) out += hexWord(Number((value >> shift) & 0xffffffffn), littleEndian)
  return out
}

export const portHex = (port: number): string => port.toString(16).toUpperCase().padStart(4, "0")

const readWord = (hex: string, littleEndian: boolean): number => {
  const word = Number.parseInt(hex, 16)
  return littleEndian ? swap32(word) : word
}

const decodeAddress = (hex: string, littleEndian: boolean): IpAddress | null => {
  if (!/^(?:[0-9A-Fa-f]{8}|[0-9A-Fa-f]{32})$/.test(hex)) return null
  if (hex.length === 8) return { family: 4, value: readWord(hex, littleEndian) }
  let value = 0n
  for (let i = 0; i < 32; i += 8) value = (value << 32n) | BigInt(readWord(hex.slice(i, i + 8), littleEndian))
  return value >> 32n === 0xffffn ? { family: 4, value: Number(value & 0xffffffffn) } : { family: 6, value }
}

const decodeEndpoint = (column: string, littleEndian: boolean): TcpEndpoint | null => {
  const colon = column.indexOf(":")
  const ip = decodeAddress(column.slice(0, colon), littleEndian)
  const port = column.slice(colon + 1)
  if (colon === -1 || ip === null || !/^[0-9A-Fa-f]{4}$/.test(port)) return null
  return { address: formatIp(ip), port: Number.parseInt(port, 16) }
}

/** `sl local rem st tx:rx tr:when retrnsmt uid timeout inode …`, split on blanks. */
const fieldsOf = (line: string): ReadonlyArray<string> => line.trim().split(/\s+/)

/** Every socket row of a table's text (the header line and malformed rows are skipped). */
export const parseTcpTable = (text: string, littleEndian: boolean): Array<TcpRow> => {
  const rows: Array<TcpRow> = []
  for (const line of text.split("\n")) {
    const f = fieldsOf(line)
    if (f.length < 10 || !/^\d+:$/.test(f[0]!)) continue
    const local = decodeEndpoint(f[1]!, littleEndian)
    const remote = decodeEndpoint(f[2]!, littleEndian)
    if (local === null || remote === null) continue
    rows.push({ local, remote, state: Number.parseInt(f[3]!, 16), uid: Number(f[7]), inode: Number(f[9]) })
  }
  return rows
}

/** One end of a connection in a table's own spelling; `address` null matches any address (a wildcard listener). */
export interface EndKey {
  readonly address: string | null
  readonly port: string
}

export const endKey = (ip: IpAddress | null, port: number, table: TcpTable, littleEndian: boolean): EndKey | null => {
  if (ip === null) return { address: null, port: portHex(port) }
  const address = addressHex(ip, table, littleEndian)
  return address === null ? null : { address, port: portHex(port) }
}

/** A table's rows by their local end, read once: answers many lookups in one batch without rescanning the text. */
export interface TcpTableIndex {
  /**
   * The owner uid and inode of the live socket whose local end is `local` and remote end is `remote`, or null; the
   * first such row in the table's order. Rows without an inode (TIME_WAIT, orphans) are no socket anyone holds.
   */
  readonly find: (
    local: { readonly address: string; readonly port: string },
    remote: EndKey
  ) => { readonly uid: number; readonly inode: number } | null
}

/**
 * Indexes a table's text by each row's local end (`0100007F:1F90`), found by position without decoding the row; a
 * row is split into fields only when a lookup asks for its local end. A busy host's table holds thousands of
 * TIME_WAIT rows and a burst of connections asks about dozens of them at once: one pass, then a map lookup each.
 */
export const indexTcpTable = (text: string): TcpTableIndex => {
  const rows = new Map<string, Array<string>>()
  for (let start = 0; start < text.length; ) {
    const newline = text.indexOf("\n", start)
    const end = newline === -1 ? text.length : newline
    const colon = text.indexOf(":", start)
    if (colon !== -1 && colon < end) {
      let from = colon + 1
      while (text.charCodeAt(from) === 32) from++
      const space = text.indexOf(" ", from)
      const key = text.slice(from, space === -1 || space > end ? end : space)
      const line = text.slice(start, end)
      const list = rows.get(key)
      if (list === undefined) rows.set(key, [line])
      else list.push(line)
    }
    start = end + 1
  }
  return {
    find: (local, remote) => {
      const needle = `${local.address}:${local.port}`
      for (const line of rows.get(needle) ?? []) {
        const f = fieldsOf(line)
        if (f.length < 10 || f[1] !== needle) continue
        const rem = f[2]!
        const matches =
          remote.address === null ? rem.endsWith(`:${remote.port}`) : rem === `${remote.address}:${remote.port}`
        const inode = Number(f[9])
        if (matches && inode > 0) return { uid: Number(f[7]), inode }
      }
      return null
    }
  }
}

/** {@link TcpTableIndex.find} on a table's text, for a single lookup. */
export const findTcpSocket = (
  text: string,
  local: { readonly address: string; readonly port: string },
  remote: EndKey
): { readonly uid: number; readonly inode: number } | null => indexTcpTable(text).find(local, remote)
