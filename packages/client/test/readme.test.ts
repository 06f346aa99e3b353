// Runs every ```ts block of README.md as written, as its own module, against an emulator that the documented
// environment variables point at. The blocks never see the default endpoints: the variables are checked first.
import { readFileSync, rmSync, writeFileSync } from "node:fs"
import { fileURLToPath, pathToFileURL } from "node:url"
import { assert, describe, it } from "@effect/vitest"
import { afterAll, beforeAll } from "vitest"
import { useEmulator } from "./support/emulator.ts"

const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8")
const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((match) => match[1]!)

describe("README examples", () => {
  const server = useEmulator()
  const names = ["ALIBABA_CLOUD_IMDS_ENDPOINT", "ALIYUN_IMDS_ADMIN_URL"] as const
  const saved = names.map((name) => process.env[name])
  beforeAll(() => {
    process.env.ALIBABA_CLOUD_IMDS_ENDPOINT = server().dataUrl
    process.env.ALIYUN_IMDS_ADMIN_URL = server().adminUrl
  })
  afterAll(() => {
    names.forEach((name, i) => {
      const value = saved[i]
      if (value === undefined) delete process.env[name]
      else process.env[name] = value
    })
  })

  it("has the four documented examples", () => {
    assert.strictEqual(blocks.length, 4)
  })

  it.each(blocks.map((code, index) => [index, code] as const))(
    "block %i runs against the emulator",
    async (index, code) => {
      assert.match(process.env.ALIBABA_CLOUD_IMDS_ENDPOINT ?? "", /^http:\/\/127\.0\.0\.1:\d+$/)
      const file = fileURLToPath(new URL(`./.readme-block-${index}.tmp.ts`, import.meta.url))
      writeFileSync(file, code)
      try {
        await import(pathToFileURL(file).href)
      } finally {
        rmSync(file, { force: true })
      }
    }
  )

  it("the admin example switched the default instance to forced hardened mode", async () => {
    const response = await fetch(`${server().dataUrl}/latest/meta-data/instance-id`)
    assert.strictEqual(response.status, 403)
  })
})
