// Instance binding by peer address (design "Instance binding"): two instances on 127.0.0.2 and 127.0.0.3 each see
// their own metadata, a token never crosses instances, and unmatched peers get the default instance or a 403.
// In-process with chosen peers, then once on real sockets, where the peer address is the point.
import { request } from "node:http"
import { afterEach, describe, expect, it } from "vitest"
import { type RunningServer, startServer } from "../src/startServer.ts"
import {
  instanceA,
  instanceB,
  outcome,
  peerA,
  peerB,
  putToken,
  read,
  strangerPeer,
  tokenHeader,
  twoInstanceFleet
} from "./support/dataPlane.ts"
import { type Harness, makeHarness } from "./support/harness.ts"

const idPath = "/latest/meta-data/instance-id"

describe("two instances bound by peer address", () => {
  let h: Harness
  afterEach(() => h.dispose())

  it("each peer sees its own instance-id and identity document", async () => {
    h = await makeHarness({ fleet: await twoInstanceFleet("default") })
    expect(await outcome(await read(h, idPath, undefined, {}, peerA))).toEqual({ status: 200, body: instanceA })
    expect(await outcome(await read(h, idPath, undefined, {}, peerB))).toEqual({ status: 200, body: instanceB })
    const doc = await (await read(h, "/latest/dynamic/instance-identity/document", undefined, {}, peerB)).text()
    expect(JSON.parse(doc)["instance-id"]).toBe(instanceB)
  })

  it("a token obtained by A is refused with 401 when B presents it, in both directions", async () => {
    h = await makeHarness({ fleet: await twoInstanceFleet("default") })
    const tokenA = await h.token(60, peerA)
    const tokenB = await h.token(60, peerB)
    expect((await read(h, idPath, tokenA, {}, peerA)).status).toBe(200)
    expect(await outcome(await read(h, idPath, tokenA, {}, peerB))).toEqual({ status: 401, body: "Unauthorized" })
    expect((await read(h, idPath, tokenB, {}, peerA)).status).toBe(401)
  })

  it("an unmatched peer is served as the default instance, and its token is that instance's", async () => {
    h = await makeHarness({ fleet: await twoInstanceFleet("default") })
    expect(await (await read(h, idPath, undefined, {}, strangerPeer)).text()).toBe(instanceA)
    const token = await h.token(60, strangerPeer)
    expect((await read(h, idPath, token, {}, peerA)).status).toBe(200)
    expect((await read(h, idPath, token, {}, peerB)).status).toBe(401)
  })

  it("with unmatchedPeers: refuse, an unmatched peer gets 403 on every request while bound peers work", async () => {
    h = await makeHarness({ fleet: await twoInstanceFleet("refuse") })
    expect(await outcome(await read(h, idPath, undefined, {}, strangerPeer))).toEqual({
      status: 403,
      body: "Forbidden"
    })
    expect((await putToken(h, "60", {}, strangerPeer)).status).toBe(403)
    expect((await read(h, "/nope", undefined, {}, strangerPeer)).status).toBe(403)
    expect((await read(h, idPath, undefined, {}, peerA)).status).toBe(200)
    const journal = await h.run(h.services.journal.query({ instanceId: null }))
    expect(journal.map((e) => [e.peerAddress, e.status, e.reason])).toEqual([
      ["127.0.0.9", 403, "UnboundPeer"],
      ["127.0.0.9", 403, "UnboundPeer"],
      ["127.0.0.9", 403, "UnboundPeer"]
    ])
  })

  it("metadata options are per instance: requiring tokens on B leaves A in normal mode", async () => {
    h = await makeHarness({ fleet: await twoInstanceFleet("default") })
    await h.run(h.services.fleet.modifyMetadataOptions({ InstanceId: instanceB, HttpTokens: "required" }))
    expect((await read(h, idPath, undefined, {}, peerA)).status).toBe(200)
    expect((await read(h, idPath, undefined, {}, peerB)).status).toBe(403)
  })
})

/** One GET from a chosen loopback source address; resolves with status and body. */
const getFrom = (server: RunningServer, localAddress: string, token?: string) =>
  new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = request(
      {
        host: "127.0.0.1",
        port: server.port,
        path: idPath,
        localAddress,
        agent: false,
        headers: token === undefined ? {} : { [tokenHeader]: token },
        timeout: 5000
      },
      (res) => {
        let body = ""
        res.setEncoding("utf8")
        res.on("data", (chunk: string) => {
          body += chunk
        })
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }))
      }
    )
    req.on("timeout", () => req.destroy(new Error("timed out")))
    req.on("error", reject)
    req.end()
  })

describe("binding on real sockets", () => {
  it("the TCP source address picks the instance: 127.0.0.2 is A, 127.0.0.3 is B, 127.0.0.1 the default", async () => {
    const server = await startServer({ fleet: await twoInstanceFleet("default"), logLevel: "silent" })
    try {
      expect(await getFrom(server, "127.0.0.2")).toEqual({ status: 200, body: instanceA })
      expect(await getFrom(server, "127.0.0.3")).toEqual({ status: 200, body: instanceB })
      expect(await getFrom(server, "127.0.0.1")).toEqual({ status: 200, body: instanceA })
      const [entryA, entryB] = await server.effectRuntime.runPromise(server.services.journal.query({ limit: 2 }))
      expect([entryA?.peerAddress, entryA?.instanceId]).toEqual(["127.0.0.3", instanceB])
      expect([entryB?.peerAddress, entryB?.instanceId]).toEqual(["127.0.0.1", instanceA])
    } finally {
      await server.stop()
    }
  })
})
