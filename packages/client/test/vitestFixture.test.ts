// The README's fixture example, as written: a test gets its own emulator, the SDK finds it through the environment.
import { readFileSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { fileTest, test } from "@aliyun-imds/server/vitest"
import { describe, expect } from "vitest"
import { createImdsClient } from "../src/index.ts"

// README example start
test("reads the instance id from its own emulator", async ({ imds }) => {
  const client = createImdsClient() // pointed at imds by ALIBABA_CLOUD_IMDS_ENDPOINT
  expect(await client.instanceId()).toBe(imds.defaultInstanceId)
})

describe("required mode", () => {
  test.scoped({ imdsOptions: { httpTokens: "required" } })
  test("a token-less read is refused", async ({ imds }) => {
    const response = await fetch(`${imds.dataUrl}/latest/meta-data/instance-id`)
    expect(response.status).toBe(403)
  })
})
// README example end

let first: string | undefined
fileTest("a file-scoped emulator is shared by the file's tests (first)", ({ imdsFile }) => {
  first = imdsFile.dataUrl
})
fileTest("a file-scoped emulator is shared by the file's tests (second)", ({ imdsFile }) => {
  expect(imdsFile.dataUrl).toBe(first)
})
test("each test's emulator is its own and is gone afterwards", async ({ imds }) => {
  expect(imds.dataUrl).not.toBe(first)
})

test("the server README shows this file's example as it is run here", ({ expect: check }) => {
  const self = readFileSync(fileURLToPath(import.meta.url), "utf8")
  const example = self.slice(self.indexOf("// README example start\n") + 24, self.indexOf("// README example end"))
  const readme = readFileSync(fileURLToPath(new URL("../../../apps/server/README.md", import.meta.url)), "utf8")
  check(readme).toContain(example)
})
