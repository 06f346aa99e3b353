// The exec preload's module (preload/ImdsRedirect.mjs) in process: which destinations it takes for the metadata
// service, which targets it accepts, and what reaches `connect` after it. The `connect` under it is a recorder that
// opens nothing, so no test here can send a packet anywhere.
import net from "node:net"
import { afterEach, assert, describe, it } from "vitest"
import { destinationOf, installRedirect, isImds, isLoopbackHost, parseTarget } from "../preload/ImdsRedirect.mjs"

describe("parseTarget", () => {
  it("reads HOST:PORT on loopback, IPv6 in brackets", () => {
    assert.deepStrictEqual(parseTarget("127.0.0.1:8100"), { host: "127.0.0.1", port: 8100 })
    assert.deepStrictEqual(parseTarget(" 127.0.0.9:1 "), { host: "127.0.0.9", port: 1 })
    assert.deepStrictEqual(parseTarget("[::1]:65535"), { host: "::1", port: 65535 })
    assert.deepStrictEqual(parseTarget("localhost:80"), { host: "localhost", port: 80 })
  })

  it("refuses what is absent, malformed, out of range or off loopback", () => {
    for (const value of [
      undefined,
      "",
      "127.0.0.1",
      "127.0.0.1:",
      "127.0.0.1:0",
      "127.0.0.1:65536",
      "127.0.0.1:80x",
      "::1:80",
      "[::1]",
      "100.100.100.200:80",
      "10.0.0.1:8100",
      "example.com:80",
      "[::]:80",
      "0.0.0.0:80"
    ]) {
      assert.isNull(parseTarget(value), String(value))
    }
  })

  it("loopback is 127.0.0.0/8, ::1 and localhost", () => {
    assert.isTrue(isLoopbackHost("127.255.0.3"))
    assert.isFalse(isLoopbackHost("128.0.0.1"))
    assert.isFalse(isLoopbackHost("::"))
  })
})

describe("destinationOf", () => {
  const cb = () => {}

  it("reads every argument form of Socket#connect", () => {
    assert.deepStrictEqual(destinationOf([80, "100.100.100.200", cb]), {
      host: "100.100.100.200",
      port: 80,
      path: null
    })
    assert.deepStrictEqual(destinationOf(["80", "100.100.100.200"]), { host: "100.100.100.200", port: 80, path: null })
    assert.deepStrictEqual(destinationOf([80]), { host: "localhost", port: 80, path: null })
    assert.deepStrictEqual(destinationOf([{ host: "100.100.100.200", port: "80" }, cb]), {
      host: "100.100.100.200",
      port: 80,
      path: null
    })
    assert.deepStrictEqual(destinationOf([{ port: 80 }]), { host: "localhost", port: 80, path: null })
    assert.deepStrictEqual(destinationOf(["/tmp/admin.sock", cb]), { host: "", port: 0, path: "/tmp/admin.sock" })
    assert.deepStrictEqual(destinationOf([{ path: "/tmp/admin.sock" }]), { host: "", port: 0, path: "/tmp/admin.sock" })
  })

  it("reads the array net.connect and node:http pass after normalising it themselves", () => {
    const normalized = [{ host: "100.100.100.200", port: 80 }, cb]
    assert.deepStrictEqual(destinationOf([normalized]), { host: "100.100.100.200", port: 80, path: null })
    // A second element of a normalised array is the callback, never a host.
    assert.deepStrictEqual(destinationOf([[{ port: 80 }, "100.100.100.200"]]), {
      host: "localhost",
      port: 80,
      path: null
    })
  })

  it("takes only 100.100.100.200:80 (or its IPv4-mapped form) for the metadata service", () => {
    assert.isTrue(isImds(destinationOf([80, "100.100.100.200"])))
    assert.isTrue(isImds(destinationOf([{ host: "::FFFF:100.100.100.200", port: 80 }])))
    assert.isFalse(isImds(destinationOf([81, "100.100.100.200"])))
    assert.isFalse(isImds(destinationOf([443, "100.100.100.200"])))
    assert.isFalse(isImds(destinationOf([80, "100.100.100.201"])))
    assert.isFalse(isImds(destinationOf([{ host: "100.100.100.200" }])))
    assert.isFalse(isImds(destinationOf(["100.100.100.200"])))
  })
})

describe("installRedirect", () => {
  const proto = net.Socket.prototype as unknown as { connect: (...args: Array<unknown>) => net.Socket }
  const real = proto.connect
  let recorded: Array<Array<unknown>> = []
  const undo: Array<() => void> = []

  /** Puts a recorder under the redirect: what would have been connected to, without connecting. */
  const withRedirect = (target: { host: string; port: number } | null) => {
    recorded = []
    proto.connect = function record(this: net.Socket, ...args: Array<unknown>) {
      recorded.push(args)
      return this
    }
    undo.push(installRedirect(target))
  }

  afterEach(() => {
    for (const restore of undo.splice(0).reverse()) restore()
    proto.connect = real
  })

  const sent = () => recorded.map((args) => destinationOf(args))
  /** The options object of the i-th recorded connect, from net's array or as given. */
  const optionsAt = (i: number): object => {
    const first = recorded[i]?.[0]
    return (Array.isArray(first) ? first[0] : first) as object
  }

  it("sends every connect form for 100.100.100.200:80 to the target, keeping the caller's options", () => {
    withRedirect({ host: "127.0.0.1", port: 8100 })
    const cb = () => {}
    new net.Socket().connect(80, "100.100.100.200", cb)
    new net.Socket().connect({ host: "100.100.100.200", port: 80, autoSelectFamily: false })
    net.connect(80, "100.100.100.200")
    net.createConnection({ host: "100.100.100.200", port: 80, family: 4 })
    assert.deepStrictEqual(sent(), Array(4).fill({ host: "127.0.0.1", port: 8100, path: null }))
    assert.strictEqual(recorded[0]?.[1], cb)
    assert.include(recorded[1]?.[0] as object, { autoSelectFamily: false })
    // net's own array goes on as the same object (it carries net's "normalised" marker), edited in place.
    assert.isTrue(Array.isArray(recorded[2]?.[0]))
    assert.deepInclude(optionsAt(3), { family: 4, host: "127.0.0.1" })
  })

  it("sets the address family to the target's", () => {
    withRedirect({ host: "::1", port: 8100 })
    net.createConnection({ host: "100.100.100.200", port: 80, family: 4 })
    assert.deepInclude(optionsAt(0), { family: 6, host: "::1", port: 8100 })
  })

  it("leaves every other connect exactly as it was", () => {
    withRedirect({ host: "127.0.0.1", port: 8100 })
    const args = [81, "100.100.100.200"]
    new net.Socket().connect(...(args as [number, string]))
    new net.Socket().connect("/tmp/some.sock")
    net.connect(443, "127.0.0.1")
    assert.deepStrictEqual(sent(), [
      { host: "100.100.100.200", port: 81, path: null },
      { host: "", port: 0, path: "/tmp/some.sock" },
      { host: "127.0.0.1", port: 443, path: null }
    ])
  })

  it("without a target, a metadata connect fails on the socket and goes nowhere", async () => {
    withRedirect(null)
    const socket = new net.Socket()
    const failed = new Promise<Error>((resolve) => socket.once("error", resolve))
    socket.connect(80, "100.100.100.200")
    const error = (await failed) as NodeJS.ErrnoException
    assert.strictEqual(error.code, "ERR_ALIYUN_IMDS_EXEC_TARGET")
    assert.include(error.message, "ALIYUN_IMDS_EXEC_TARGET is not a loopback HOST:PORT")
    assert.deepStrictEqual(recorded, [])
  })

  it("installs once per process, and restores what it replaced", () => {
    withRedirect({ host: "127.0.0.1", port: 8100 })
    const patched = proto.connect
    undo.push(installRedirect({ host: "127.0.0.2", port: 9 }))
    assert.strictEqual(proto.connect, patched)
    net.connect(80, "100.100.100.200")
    assert.deepStrictEqual(sent(), [{ host: "127.0.0.1", port: 8100, path: null }])
    for (const restore of undo.splice(0).reverse()) restore()
    assert.notStrictEqual(proto.connect, patched)
    assert.strictEqual(proto.connect.name, "record")
  })
})
