// GET on the token path (spec §17: unknown on Alibaba, 405 suggested), as a switch: "405" refuses it (the default);
// "issue" answers it exactly as the PUT, for clients of the @alicloud/credentials 2.3.1 era, which ask with GET.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, describe, expect, it } from "vitest"
import type { ServerOptions } from "../src/ServerOptions.ts"
import { startServer } from "../src/startServer.ts"
import { rawRequest } from "./support/http.ts"

const dir = mkdtempSync(join(tmpdir(), "aliyun-imds-token-get-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const ttl = { "X-aliyun-ecs-metadata-token-ttl-seconds": "60" }

/** A token GET and PUT against a fresh emulator in forced hardened mode, and a read with each token it got. */
const probe = async (options: ServerOptions) => {
  const server = await startServer({ logLevel: "silent", httpTokens: "required", ...options })
  try {
    const at = (path: string) => `${server.dataUrl}${path}`
    const get = await rawRequest(at("/latest/api/token"), { headers: ttl })
    const read = async (token: string) =>
      (await rawRequest(at("/latest/meta-data/instance-id"), { headers: { "X-aliyun-ecs-metadata-token": token } }))
        .status
    return {
      get: { status: get.status, allow: get.headers.allow, read: get.status === 200 ? await read(get.text) : null },
      noTtl: (await rawRequest(at("/latest/api/token"))).status,
      proxied: (await rawRequest(at("/latest/api/token"), { headers: { ...ttl, "X-Forwarded-For": "10.0.0.1" } }))
        .status,
      delete: (await rawRequest(at("/latest/api/token"), { method: "DELETE", headers: ttl })).headers.allow,
      put: (await rawRequest(at("/latest/api/token"), { method: "PUT", headers: ttl })).status
    }
  } finally {
    await server.stop()
  }
}

describe("GET on the token path", () => {
  it("is refused with 405 (Allow: PUT) by default; the PUT works", async () => {
    expect(await probe({})).toEqual({
      get: { status: 405, allow: "PUT", read: null },
      noTtl: 405,
      proxied: 405,
      delete: "PUT",
      put: 200
    })
  })

  it('with tokenGet "issue" (--token-get issue) issues a working token, under the PUT\'s rules', async () => {
    expect(await probe({ tokenGet: "issue" })).toEqual({
      get: { status: 200, allow: undefined, read: 200 },
      noTtl: 400,
      proxied: 403,
      delete: "PUT, GET",
      put: 200
    })
  })

  it("a fleet file's wire.tokenGet wins over the server's setting, both ways", async () => {
    const file = (name: string, tokenGet: string) => {
      const path = join(dir, name)
      writeFileSync(path, JSON.stringify({ version: 1, wire: { tokenGet } }))
      return path
    }
    const issuing = await probe({ configPath: file("issue.json", "issue"), tokenGet: "405" })
    expect(issuing.get).toEqual({ status: 200, allow: undefined, read: 200 })
    const refusing = await probe({ configPath: file("refuse.json", "405"), tokenGet: "issue" })
    expect(refusing.get.status).toBe(405)
  })
})
