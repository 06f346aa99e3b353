// The identity certificate survives restarts when `identityPath` is given: written on first start, reused after.
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, describe, expect, it } from "vitest"
import { startServer } from "../src/startServer.ts"

const dir = mkdtempSync(join(tmpdir(), "aliyun-imds-identity-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const certificateOf = async (adminUrl: string) => (await fetch(`${adminUrl}/v1/identity/certificate`)).text()

describe("identity file", () => {
  it("is written on first start (owner-only) and reused by the next start, so the certificate stays the same", async () => {
    const identityPath = join(dir, "identity.json")
    const first = await startServer({ port: 0, adminPort: 0, logLevel: "silent", identityPath })
    const firstCert = await certificateOf(first.adminUrl)
    await first.stop()
    expect(statSync(identityPath).mode & 0o777).toBe(0o600)
    expect(JSON.parse(readFileSync(identityPath, "utf8")).certificatePem).toContain("BEGIN CERTIFICATE")
    const second = await startServer({ port: 0, adminPort: 0, logLevel: "silent", identityPath })
    try {
      expect(await certificateOf(second.adminUrl)).toBe(firstCert)
    } finally {
      await second.stop()
    }
  })

  it("refuses to start on a file that is not identity JSON, naming the file", async () => {
    const identityPath = join(dir, "broken.json")
    writeFileSync(identityPath, "not json")
    await expect(startServer({ port: 0, adminPort: 0, logLevel: "silent", identityPath })).rejects.toThrow(
      /broken\.json is not JSON/
    )
  })
})
