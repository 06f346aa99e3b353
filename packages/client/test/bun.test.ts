// The same client, unchanged, on Bun: a Bun subprocess reads the emulator (Node, loopback) in hardened mode.
import { execFile } from "node:child_process"
import { readFileSync, rmSync, writeFileSync } from "node:fs"
import { createRequire } from "node:module"
import { dirname, join } from "node:path"
import { promisify } from "node:util"
import { type RunningServer, startServer } from "@aliyun-imds/server"
import { afterAll, beforeAll, describe, expect, it } from "vitest"

const run = promisify(execFile)
const dir = join(import.meta.dirname, "..")

const bunBinary = (): string => {
  const manifest = createRequire(join(dir, "package.json")).resolve("bun/package.json")
  const { bin } = JSON.parse(readFileSync(manifest, "utf8")) as { bin: { bun: string } }
  return join(dirname(manifest), bin.bun)
}

const script = `
import { createImdsClient } from "@aliyun-imds/client"
const imds = createImdsClient({ endpoint: process.argv[2] })
const credentials = await imds.ramCredentials()
console.log(JSON.stringify({
  instanceId: await imds.instanceId(),
  mode: imds.lastMode,
  nameservers: await imds.dnsNameservers(),
  accessKeyId: credentials.accessKeyId
}))
`

let server: RunningServer
beforeAll(async () => {
  server = await startServer({ port: 0, adminPort: 0, httpTokens: "required", logLevel: "silent" })
})
afterAll(() => server.stop())

describe("on Bun", () => {
  it("reads the instance id, DNS servers and RAM credentials with a token, like on Node", async () => {
    const file = join(dir, "test", `.bun-client-${process.pid}.ts`)
    writeFileSync(file, script)
    try {
      const { stdout } = await run(bunBinary(), [file, server.dataUrl], { cwd: dir, timeout: 30_000 })
      const seen = JSON.parse(stdout) as {
        instanceId: string
        mode: string
        nameservers: string[]
        accessKeyId: string
      }
      expect(seen.instanceId).toBe(server.defaultInstanceId)
      expect(seen.mode).toBe("token")
      expect(seen.nameservers).toEqual(["100.100.2.136", "100.100.2.138"])
      expect(seen.accessKeyId).toMatch(/^STS\.[A-Za-z0-9]{25}$/)
      const reads = await server.effectRuntime.runPromise(server.services.journal.query({ mode: "normal" }))
      expect(reads).toEqual([])
    } finally {
      rmSync(file, { force: true })
    }
  })
})
