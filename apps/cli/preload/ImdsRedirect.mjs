// Sends a Node program's TCP connections for the metadata service's real address, 100.100.100.200:80, to an
// emulator on loopback instead. Every way Node opens a TCP connection ends in `net.Socket.prototype.connect`:
// `net.connect`/`net.createConnection`, `new net.Socket().connect(...)`, `node:http` (through its agent) and `fetch`
// (Node's bundled undici calls `net.connect`), so patching that one method covers them all. Any other connection
// is left exactly as it was: this runs inside the user's program, not a test harness.
//
// Plain JavaScript (ESM) for Node >= 20.6: `aliyun-imds exec` loads it into programs whose Node may be older than
// the repo's. `register.mjs` is the `--import` entry; this module only exports, so tests can load it safely.
import net from "node:net"

export const imdsHost = "100.100.100.200"
export const imdsPort = 80
/** The variable naming where connections for the metadata service go: `HOST:PORT`, HOST on loopback. */
export const targetVariable = "ALIYUN_IMDS_EXEC_TARGET"

const installed = Symbol.for("aliyun-imds.exec.redirect")

/** Whether a host is this machine's loopback (127.0.0.0/8, ::1, localhost). */
export const isLoopbackHost = (host) =>
  host === "localhost" || host === "::1" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host)

/**
 * Reads `HOST:PORT` (IPv6 in brackets: `[::1]:8100`). Null when absent or malformed, or when HOST is not loopback:
 * connections are only ever sent to this machine.
 */
export const parseTarget = (value) => {
  if (typeof value !== "string") return null
  const match = /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(value.trim())
  if (match === null) return null
  const host = match[1] ?? match[2]
  const port = Number(match[3])
  if (!isLoopbackHost(host) || port < 1 || port > 65535) return null
  return { host, port }
}

/**
 * Where a `Socket#connect(...)` call goes, from any argument form it accepts: `(options[, cb])`, `(port[, host][, cb])`,
 * `(path[, cb])`, and the array that `net.connect` and `node:http` pass after normalising the arguments themselves.
 * `path` is set for IPC (Unix socket, named pipe) connects, which never use the network.
 */
export const destinationOf = (args) => {
  const normalized = Array.isArray(args[0]) ? args[0] : null
  const first = normalized === null ? args[0] : normalized[0]
  if (typeof first === "object" && first !== null) {
    if (typeof first.path === "string") return { host: "", port: 0, path: first.path }
    return { host: first.host ?? "localhost", port: portOf(first.port), path: null }
  }
  if (typeof first === "string" && !/^\s*\d+\s*$/.test(first)) return { host: "", port: 0, path: first }
  const second = normalized === null ? args[1] : undefined
  return { host: typeof second === "string" ? second : "localhost", port: portOf(first), path: null }
}

const portOf = (port) => (typeof port === "number" || typeof port === "string" ? Number(port) : Number.NaN)

/** Whether a destination is the metadata service's real address (also as an IPv4-mapped IPv6 address). */
export const isImds = (destination) =>
  destination.path === null &&
  destination.port === imdsPort &&
  (destination.host === imdsHost || destination.host.toLowerCase() === `::ffff:${imdsHost}`)

/** The options a redirected connect uses: the caller's own (timeouts, keep-alive…), aimed at the target. */
const redirected = (first, target) => {
  const options = typeof first === "object" && first !== null ? { ...first } : {}
  const family = net.isIP(target.host)
  if (family === 0) delete options.family
  else options.family = family
  return { ...options, host: target.host, port: target.port }
}

class TargetMissing extends Error {
  code = "ERR_ALIYUN_IMDS_EXEC_TARGET"
}

/**
 * Patches `net.Socket.prototype.connect` so connects for 100.100.100.200:80 go to `target` (`{ host, port }` on
 * loopback). With a null target such connects fail with an error instead of leaving the machine. Returns a function
 * that puts the original back. A second install in the same process does nothing (and its restore is a no-op).
 */
export const installRedirect = (target) => {
  const proto = net.Socket.prototype
  if (proto.connect[installed] === true) return () => {}
  const original = proto.connect
  const connect = function connect(...args) {
    if (!isImds(destinationOf(args))) return original.apply(this, args)
    if (target === null) {
      const error = new TargetMissing(
        `aliyun-imds exec: ${targetVariable} is not a loopback HOST:PORT, so ${imdsHost}:${imdsPort} is not redirected`
      )
      process.nextTick(() => this.destroy(error))
      return this
    }
    const normalized = Array.isArray(args[0]) ? args[0] : null
    if (normalized !== null) {
      // The array carries net's private "already normalised" marker: edit it in place, do not copy it.
      normalized[0] = redirected(normalized[0], target)
      return original.apply(this, args)
    }
    const options = redirected(args[0], target)
    const callback = args.find((arg) => typeof arg === "function")
    return callback === undefined ? original.call(this, options) : original.call(this, options, callback)
  }
  connect[installed] = true
  proto.connect = connect
  return () => {
    if (proto.connect === connect) proto.connect = original
  }
}
