// `init` writes a commented sample fleet that the core's decoder accepts and `serve` can load; `schema` prints the
// fleet file's JSON Schema.
import { mkdtempSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { decodeFleet } from "@aliyun-imds/core"
import { Effect } from "effect"
import { afterAll, assert, describe, it } from "vitest"
import { sampleFleet } from "../src/commands/init.ts"
import { runCli } from "./support/cli.ts"

const dir = mkdtempSync(join(tmpdir(), "aliyun-imds-cli-init-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe("init", () => {
  it("prints a commented YAML fleet that decodeFleet accepts", async () => {
    const r = await runCli(["init", "--instances", "3", "--seed", "init-suite"])
    assert.strictEqual(r.code, 0)
    assert.match(r.stdout, /^# aliyun-imds fleet file/)
    const fleet = await Effect.runPromise(decodeFleet(r.stdout, "yaml"))
    assert.strictEqual(fleet.instances.length, 3)
    assert.strictEqual(fleet.seed, "init-suite")
    assert.deepStrictEqual(fleet.instances[1]!.sourceAddresses, ["127.0.0.2"])
    assert.strictEqual(fleet.instances[1]!.metadataOptions.HttpTokens, "required")
    assert.strictEqual(fleet.instances[0]!.ramRole?.name, "AliyunImdsDemoRole")
  })

  it("--json prints the same fleet as JSON", async () => {
    const r = await runCli(["init", "--json", "--seed", "init-suite"])
    const fleet = await Effect.runPromise(decodeFleet(r.stdout, "json"))
    assert.strictEqual(fleet.instances.length, 2)
    assert.strictEqual(JSON.parse(r.stdout).seed, "init-suite")
  })

  it("every size from 1 to 254 validates", async () => {
    for (const n of [1, 2, 3, 10, 254]) {
      const fleet = await Effect.runPromise(decodeFleet(sampleFleet(n, "sizes"), "yaml"))
      assert.strictEqual(fleet.instances.length, n)
    }
  })

  it("--output writes the file, refuses to overwrite it without --force", async () => {
    const file = join(dir, "fleet.yaml")
    const first = await runCli(["init", "--output", file])
    assert.strictEqual(first.code, 0)
    assert.strictEqual(first.stdout, "")
    assert.include(first.stderr, `serve --config ${file}`)
    await Effect.runPromise(decodeFleet(readFileSync(file, "utf8"), "yaml"))
    const again = await runCli(["init", "--output", file])
    assert.strictEqual(again.code, 1)
    assert.include(again.stderr, "--force")
    assert.strictEqual((await runCli(["init", "--output", file, "--force", "--instances", "1"])).code, 0)
  })
})

describe("schema", () => {
  it("prints the fleet JSON Schema as valid JSON", async () => {
    const r = await runCli(["schema", "--json"])
    assert.strictEqual(r.code, 0)
    const schema = JSON.parse(r.stdout)
    assert.strictEqual(schema.$schema, "https://json-schema.org/draft/2020-12/schema")
    assert.strictEqual(schema.type, "object")
    assert.property(schema.properties, "instances")
    assert.include(schema.required, "version")
  })
})
