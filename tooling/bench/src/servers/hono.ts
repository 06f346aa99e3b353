// Reference: Hono alone (the framework the issue's reference figures were taken with) answering a 10-byte body,
// served by @hono/node-server under Node and by Bun.serve under Bun.
import type { AddressInfo } from "node:net"
import { serve } from "@hono/node-server"
import { Hono } from "hono"

interface BunLike {
  serve(options: { hostname: string; port: number; fetch: (request: Request) => Response | Promise<Response> }): {
    port: number
    stop(force: boolean): void
  }
}

const app = new Hono().get("/", (c) => c.text("0123456789"))
const announce = (port: number) => process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${port}` })}\n`)
const bun = (globalThis as unknown as { Bun?: BunLike }).Bun

if (bun !== undefined) {
  const server = bun.serve({ hostname: "127.0.0.1", port: 0, fetch: app.fetch })
  announce(server.port)
  process.once("SIGTERM", () => {
    server.stop(true)
    process.exit(0)
  })
} else {
  const server = serve({ fetch: app.fetch, hostname: "127.0.0.1", port: 0 }, (info: AddressInfo) => announce(info.port))
  process.once("SIGTERM", () => {
    server.close(() => process.exit(0))
    if ("closeAllConnections" in server) server.closeAllConnections()
  })
}
