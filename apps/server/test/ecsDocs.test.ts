// docs/ecs-api.md's SDK example runs as written (subprocess, loopback only) and prints what the page says it prints.
import { execFile } from "node:child_process"
import { readFileSync, rmSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { promisify } from "node:util"
import { describe, expect, it } from "vitest"

const run = promisify(execFile)
const dir = join(import.meta.dirname, "..")

describe("docs/ecs-api.md", () => {
  it("its SDK example forces hardened mode, sees a plain read refused and runs a hardened instance", async () => {
    const page = readFileSync(join(dir, "..", "..", "docs", "ecs-api.md"), "utf8")
    const code = [...page.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]).join("\n")
    expect(code).toContain("@alicloud/ecs20140526")
    const file = join(dir, "test", `.readme-ecs-${process.pid}.ts`)
    writeFileSync(file, code)
    try {
      const { stdout } = await run(process.execPath, [file], { cwd: dir, timeout: 30_000 })
      expect(stdout.trim().split("\n")).toEqual([
        "token-less read: 403",
        expect.stringMatching(/^i-[a-z0-9]{20} Running HttpTokens=required$/)
      ])
    } finally {
      rmSync(file, { force: true })
    }
  })
})
