// `unix:PATH` endpoints: the Promise facade and the Effect API reach an emulator listening on a Unix socket, with
// tokens, over the Fetch client; an empty path is refused when the client is made.
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { afterAll } from "vitest"
import { createImdsClient, ImdsClient, InvalidOptions } from "../src/index.ts"
import { useEmulator } from "./support/emulator.ts"

const dir = mkdtempSync(join(tmpdir(), "aliyun-imds-client-socket-"))
const socket = join(dir, "imds.sock")
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe("unix: endpoints", () => {
  const server = useEmulator({ socket, httpTokens: "required", noEcs: true })

  it("the Promise client reads metadata and credentials-free items in hardened mode", async () => {
    const client = createImdsClient({ endpoint: `unix:${socket}` })
    assert.strictEqual(await client.instanceId(), server().defaultInstanceId)
    assert.strictEqual(await client.regionId(), await client.getText("/latest/meta-data/region-id"))
    assert.strictEqual(client.lastMode, "token")
  })

  it.live("the Effect client reads over the socket through the Fetch client", () =>
    Effect.gen(function* () {
      const client = yield* ImdsClient
      assert.strictEqual(yield* client.instanceId, server().defaultInstanceId)
    }).pipe(Effect.provide(ImdsClient.layer({ endpoint: `unix:${socket}` })))
  )

  it("an empty socket path is refused when the client is made", () => {
    assert.throws(() => createImdsClient({ endpoint: "unix:" }), InvalidOptions)
  })
})
