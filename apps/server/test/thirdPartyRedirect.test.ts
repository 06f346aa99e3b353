// The in-process stand-in for the route to 100.100.100.200 that the third-party client tests rely on: it must send
// IMDS connects to the emulator, refuse every other non-loopback destination before a packet leaves, and undo itself.
import http from "node:http"
import net from "node:net"
import { afterAll, afterEach, assert, beforeAll, describe, it } from "vitest"
import { type Emulator, startEmulator } from "./support/emulator.ts"
import { installRedirect, NonLoopbackConnect, type Redirect } from "./support/redirect.ts"

let emulator: Emulator
let redirect: Redirect

beforeAll(async () => {
  emulator = await startEmulator()
})

afterAll(async () => {
  redirect?.restore()
  await emulator?.stop()
})

afterEach(() => {
  redirect?.dropConnections()
  redirect?.restore()
})

const get = (url: string): Promise<{ status: number; body: string }> =>
  new Promise((resolve, reject) => {
    http
      .get(url, { agent: false, timeout: 2000 }, (res) => {
        let body = ""
        res.setEncoding("utf8")
        res.on("data", (chunk: string) => (body += chunk))
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }))
      })
      .on("error", reject)
  })

describe("the IMDS redirect", () => {
  it("sends an http request for 100.100.100.200 to the emulator on loopback", async () => {
    redirect = installRedirect()
    redirect.target(emulator.server.port)

    const response = await get("http://100.100.100.200/latest/meta-data/instance-id")

    assert.deepStrictEqual(response, { status: 200, body: emulator.server.defaultInstanceId })
    assert.strictEqual(redirect.redirected(), 1)
  })

  it("refuses other non-loopback destinations, including another port of the metadata address", () => {
    redirect = installRedirect()
    redirect.target(emulator.server.port)

    for (const [port, host] of [
      [80, "192.0.2.1"],
      [443, "100.100.100.200"],
      [80, "2001:db8::1"]
    ] as const) {
      assert.throws(() => net.connect(port, host), NonLoopbackConnect)
    }
    assert.deepStrictEqual(redirect.refused(), ["192.0.2.1:80", "100.100.100.200:443", "2001:db8::1:80"])
  })

  it("refuses the metadata address itself until a target is set", () => {
    redirect = installRedirect()

    assert.throws(() => net.connect({ host: "100.100.100.200", port: 80 }), NonLoopbackConnect)
  })

  it("lets loopback connects through untouched", async () => {
    redirect = installRedirect()

    const response = await get(`${emulator.server.dataUrl}/latest/meta-data/instance-id`)

    assert.strictEqual(response.status, 200)
    assert.strictEqual(redirect.redirected(), 0)
  })

  it("after restore, Socket#connect is the original again", () => {
    const original = net.Socket.prototype.connect
    redirect = installRedirect()
    assert.notStrictEqual(net.Socket.prototype.connect, original)

    redirect.restore()

    assert.strictEqual(net.Socket.prototype.connect, original)
  })
})
