// The package README's TypeScript script example runs as written against a real emulator (subprocess, loopback only).
import { execFile } from "node:child_process"
import { readFileSync, rmSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { promisify } from "node:util"
import { describe, expect, it } from "vitest"

const run = promisify(execFile)
const dir = join(import.meta.dirname, "..")

describe("README", () => {
  it("its example starts a hardened emulator, reads the instance id with a token and stops", async () => {
    const readme = readFileSync(join(dir, "README.md"), "utf8")
    // The script blocks; the vitest fixture's block is a test file, run as one by packages/client/test/vitestFixture.test.ts.
    const code = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)]
      .map((m) => m[1] ?? "")
      .filter((block) => !block.includes("@aliyun-imds/server/vitest"))
      .join("\n")
    expect(code).toContain("startServer")
    const file = join(dir, "test", `.readme-${process.pid}.ts`)
    writeFileSync(file, code)
    try {
      const { stdout } = await run(process.execPath, [file], { cwd: dir, timeout: 30_000 })
      expect(stdout.trim()).toMatch(/^i-[a-z0-9]{20}$/)
    } finally {
      rmSync(file, { force: true })
    }
  })
})
