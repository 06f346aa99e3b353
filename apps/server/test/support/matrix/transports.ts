// Every way a request reaches the data plane, behind one interface: in-process `app.fetch`, the Node listener and
// the Bun listener (a real process). The msw handlers (issue 14) join as one more `Way` in the test's `transports`.
import http from "node:http"
import { decodeFleet, type IdentityPem } from "@aliyun-imds/core"
import { Effect } from "effect"
import { makeAdminApp } from "../../../src/admin/AdminPlane.ts"
import { makeDataApp } from "../../../src/data/DataPlane.ts"
import { Holds } from "../../../src/data/Holds.ts"
import { makeLogger } from "../../../src/Log.ts"
import { defaultBehaviour } from "../../../src/ServerOptions.ts"
import { buildServices, type CoreServices, type Runtime } from "../../../src/Services.ts"
import { startServer } from "../../../src/startServer.ts"
import { spawnServer } from "../spawn.ts"
import { fleetYaml, peerA, peerB } from "./fixture.ts"

export type Peer = "A" | "B"

export interface Reply {
  readonly status: number
  readonly allow: string | null
  readonly contentLength: string | null
  readonly body: Buffer
}

export interface Transport {
  /** One request from instance A's or B's source address, the target sent exactly as given. */
  readonly send: (peer: Peer, method: string, target: string, headers: Record<string, string>) => Promise<Reply>
  /** An admin API call; fails unless it answers 2xx. */
  readonly admin: (method: string, path: string, body?: unknown) => Promise<unknown>
  readonly stop: () => Promise<void>
}

export interface Setup {
  readonly configPath: string
  readonly identity: IdentityPem
}

/** A way in, named for test titles and failure reports, started from the shared fleet file and identity. */
export interface Way {
  readonly name: string
  readonly start: (setup: Setup) => Promise<Transport>
}

const addressOf = (peer: Peer) => (peer === "A" ? peerA : peerB)

const adminOk = async (res: Response, what: string): Promise<unknown> => {
  const text = await res.text()
  if (res.status >= 300) throw new Error(`${what} answered ${res.status}: ${text}`)
  return JSON.parse(text)
}

/** The in-process apps, also the matrix's source of expected bodies (its services render them). */
export interface InProcess extends Transport {
  readonly services: CoreServices
  readonly runtime: Runtime
}

export const inProcess = async (setup: Setup): Promise<InProcess> => {
  const fleet = await Effect.runPromise(decodeFleet(fleetYaml, "yaml"))
  const { runtime, services } = await buildServices({ fleet, identity: setup.identity })
  const log = makeLogger("silent", () => {}, services.clock.nowUnsafe)
  const data = makeDataApp({ services, behaviour: defaultBehaviour, log, holds: new Holds() })
  const source = { describe: "matrix", load: async () => fleet }
  const admin = makeAdminApp({
    runtime,
    services,
    source,
    log,
    token: null,
    platformName: "test",
    dataUrl: () => "",
    ecsUrl: () => null
  })
  return {
    services,
    runtime,
    send: async (peer, method, target, headers) => {
      const request = new Request(`http://100.100.100.200${target}`, { method, headers })
      const res = await data.fetch(request, { peer: { address: addressOf(peer), port: 40_000 } })
      return {
        status: res.status,
        allow: res.headers.get("allow"),
        contentLength: res.headers.get("content-length"),
        body: Buffer.from(await res.arrayBuffer())
      }
    },
    admin: async (method, path, body) =>
      adminOk(
        await admin.fetch(
          new Request(`http://admin${path}`, { method, ...(body === undefined ? {} : { body: JSON.stringify(body) }) })
        ),
        `${method} ${path}`
      ),
    stop: () => runtime.dispose()
  }
}

/** node:http with one keep-alive pool per source address; the target goes on the wire unchanged. */
const socketClient = (dataUrl: string) => {
  const url = new URL(dataUrl)
  const agents = { A: new http.Agent({ keepAlive: true, maxSockets: 8 }), B: new http.Agent({ keepAlive: true }) }
  const send: Transport["send"] = (peer, method, target, headers) =>
    new Promise((resolve, reject) => {
      const request = http.request(
        {
          host: url.hostname,
          port: url.port,
          method,
          path: target,
          headers,
          localAddress: addressOf(peer),
          agent: agents[peer]
        },
        (res) => {
          const chunks: Array<Buffer> = []
          res.on("data", (c: Buffer) => chunks.push(c))
          res.on("error", reject)
          res.on("end", () =>
            resolve({
              status: res.statusCode ?? 0,
              allow: (res.headers.allow as string | undefined) ?? null,
              contentLength: (res.headers["content-length"] as string | undefined) ?? null,
              body: Buffer.concat(chunks)
            })
          )
        }
      )
      request.setTimeout(10_000, () => request.destroy(new Error(`no answer to ${method} ${target}`)))
      request.on("error", reject)
      request.end()
    })
  const close = () => {
    agents.A.destroy()
    agents.B.destroy()
  }
  return { send, close }
}

const adminOver =
  (adminUrl: string): Transport["admin"] =>
  async (method, path, body) =>
    adminOk(
      await fetch(`${adminUrl}${path}`, { method, ...(body === undefined ? {} : { body: JSON.stringify(body) }) }),
      `${method} ${path}`
    )

export const nodeListener = async (setup: Setup): Promise<Transport> => {
  const server = await startServer({ ...setup, logLevel: "silent" })
  const client = socketClient(server.dataUrl)
  return {
    send: client.send,
    admin: adminOver(server.adminUrl),
    stop: async () => {
      client.close()
      await server.stop()
    }
  }
}

export const bunListener = async (setup: Setup): Promise<Transport> => {
  const server = await spawnServer("bun", { options: { ...setup, logLevel: "silent" } })
  const client = socketClient(server.dataUrl)
  return {
    send: client.send,
    admin: adminOver(server.adminUrl),
    stop: async () => {
      client.close()
      await server.stop()
    }
  }
}
