// The long crash-and-restart loop (`pnpm test:slow`, also run by `npm test` after the mutation lane): 200 lives of a
// real emulator on one state file, alternating Node and Bun, each ended by SIGKILL at a random moment, often while a
// change is being written. CRASH_LIVES and CRASH_SEED override the count and the seed (printed either way).
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, describe, expect, it } from "vitest"
import { crashLoop } from "../support/crashLoop.ts"

const dir = mkdtempSync(join(tmpdir(), "aliyun-imds-crash-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const lives = Number(process.env.CRASH_LIVES ?? 200)
const seed = Number(process.env.CRASH_SEED ?? Date.now() % 1_000_000)

describe("--state across kill -9, the long run", () => {
  it(`${lives} lives: the file always loads, every acknowledged change is there, the data plane matches the model`, async () => {
    console.log(`crash loop: ${lives} lives, seed ${seed} (CRASH_SEED=${seed} repeats it)`)
    const report = await crashLoop({
      iterations: lives,
      seed,
      dir,
      runtimes: ["node", "bun"],
      onProgress: (line) => {
        if (/^life \d*0\//.test(line)) console.log(line)
      }
    })
    console.log(`crash loop (seed ${seed}): ${JSON.stringify(report, null, 1)}`)
    expect(report.lives).toBe(lives)
    expect(report.kills).toBe(lives)
  }, 3_600_000)
})
