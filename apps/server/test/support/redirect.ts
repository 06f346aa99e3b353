// Stands in for the route to the real metadata address inside the test process: TCP connects aimed at
// 100.100.100.200:80 go to a loopback emulator instead, and any other non-loopback connect throws, so unmodified
// clients (which hard-code the address) can be tested without a single packet leaving the machine.
import net from "node:net"
import { isLoopback } from "../../src/platform/loopback.ts"
import { type Emulator, startEmulator } from "./emulator.ts"

export const imdsAddress = "100.100.100.200"
export const imdsPort = 80

export class NonLoopbackConnect extends Error {
  override readonly name = "NonLoopbackConnect"
}

export interface Redirect {
  /** Points IMDS connections at a loopback listener (e.g. a test's emulator). */
  readonly target: (port: number, host?: string) => void
  /** How many connects were sent to the target. */
  readonly redirected: () => number
  /** Every connect that was refused, as `host:port` (should stay empty). */
  readonly refused: () => ReadonlyArray<string>
  /** Destroys redirected sockets still open, e.g. pooled keep-alive ones pointing at a stopped emulator. */
  readonly dropConnections: () => void
  /** Puts the original `connect` back. */
  readonly restore: () => void
}

type Connect = (this: net.Socket, ...args: Array<unknown>) => net.Socket
interface Destination {
  readonly host: string
  readonly port: number
  /** Set for IPC (unix socket) connects, which never leave the machine. */
  readonly path: string | null
}

/** Reads the destination from any form `Socket#connect` accepts, including net.connect's pre-normalised array. */
const destinationOf = (first: unknown, second: unknown): Destination => {
  if (typeof first === "object" && first !== null) {
    const o = first as { host?: string; port?: number | string; path?: string }
    return { host: o.host ?? "localhost", port: Number(o.port ?? 0), path: o.path ?? null }
  }
  if (typeof first === "string" && !/^\d+$/.test(first)) return { host: "", port: 0, path: first }
  return { host: typeof second === "string" ? second : "localhost", port: Number(first), path: null }
}

export const installRedirect = (): Redirect => {
  const proto = net.Socket.prototype as unknown as { connect: Connect }
  const original = proto.connect
  let target: { host: string; port: number } | null = null
  let redirected = 0
  const refused: Array<string> = []
  const open = new Set<net.Socket>()

  proto.connect = function connect(this: net.Socket, ...args: Array<unknown>) {
    const normalized = Array.isArray(args[0]) ? (args[0] as Array<unknown>) : null
    const first = normalized ? normalized[0] : args[0]
    const dest = destinationOf(first, normalized ? undefined : args[1])
    if (dest.path !== null || isLoopback(dest.host)) {
      return original.apply(this, args)
    }
    if (dest.host !== imdsAddress || dest.port !== imdsPort || target === null) {
      refused.push(`${dest.host}:${dest.port}`)
      throw new NonLoopbackConnect(`test refused a connect to ${dest.host}:${dest.port} (loopback only)`)
    }
    redirected++
    open.add(this)
    this.once("close", () => open.delete(this))
    const options = { ...(first as object), host: target.host, port: target.port }
    if (normalized) {
      // The array carries net's private "already normalised" marker, so it is edited in place, not copied.
      normalized[0] = options
      return original.apply(this, args)
    }
    const callback = args.find((a) => typeof a === "function")
    return original.call(this, typeof first === "object" ? options : { host: target.host, port: target.port }, callback)
  }

  return {
    target: (port, host = "127.0.0.1") => {
      if (!isLoopback(host)) throw new NonLoopbackConnect(`redirect target ${host} is not loopback`)
      target = { host, port }
    },
    redirected: () => redirected,
    refused: () => refused,
    dropConnections: () => {
      for (const socket of open) socket.destroy()
      open.clear()
    },
    restore: () => {
      proto.connect = original
    }
  }
}

/** An emulator with 100.100.100.200:80 redirected to it, for suites of unmodified third-party clients. */
export const startRedirected = async (): Promise<{ emulator: Emulator; redirect: Redirect }> => {
  const emulator = await startEmulator()
  const redirect = installRedirect()
  redirect.target(emulator.server.port)
  return { emulator, redirect }
}

/** Undoes `startRedirected`: drops kept-alive sockets, restores `connect`, stops the emulator. */
export const stopRedirected = async (emulator?: Emulator, redirect?: Redirect): Promise<void> => {
  redirect?.dropConnections()
  redirect?.restore()
  await emulator?.stop()
}
