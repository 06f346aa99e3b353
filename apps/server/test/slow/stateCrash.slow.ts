// The long crash-and-restart loop (`pnpm test:slow`, also run by `npm test` after the mutation lane): 200 lives of a
// real emulator, alternating Node and Bun, each ended by SIGKILL at a random moment, often while a change is being
// written. Two loops run side by side on their own state files (seeds SEED and SEED+1), 100 lives each: starting a
// process is most of a life, and two starts at once use the machine better than one. CRASH_LIVES and CRASH_SEED
// override the total and the seed (printed either way).
import { mkdirSync, mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, describe, expect, it } from "vitest"
import { crashLoop } from "../support/crashLoop.ts"

const dir = mkdtempSync(join(tmpdir(), "aliyun-imds-crash-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const lives = Number(process.env.CRASH_LIVES ?? 200)
const seed = Number(process.env.CRASH_SEED ?? Date.now() % 1_000_000)
const lanes = 2

describe("--state across kill -9, the long run", () => {
  it(`${lives} lives: the file always loads, every acknowledged change is there, the data plane matches the model`, async () => {
    console.log(`crash loop: ${lives} lives in ${lanes} lanes, seed ${seed} (CRASH_SEED=${seed} repeats it)`)
    const reports = await Promise.all(
      Array.from({ length: lanes }, (_, lane) => {
        const laneDir = join(dir, `lane-${lane}`)
        mkdirSync(laneDir)
        return crashLoop({
          iterations: Math.floor(lives / lanes) + (lane < lives % lanes ? 1 : 0),
          seed: seed + lane,
          dir: laneDir,
          runtimes: lane % 2 === 0 ? ["node", "bun"] : ["bun", "node"],
          onProgress: (line) => {
            if (/^life \d*0\//.test(line)) console.log(`lane ${lane}: ${line}`)
          }
        })
      })
    )
    const total = Object.fromEntries(
      Object.keys(reports[0]!).map((key) => {
        const values = reports.map((r) => r[key as keyof typeof r])
        return [key, /slowest|elapsed/.test(key) ? Math.max(...values) : values.reduce((a, b) => a + b, 0)]
      })
    )
    console.log(`crash loop (seed ${seed}): ${JSON.stringify(total, null, 1)}`)
    expect(total.lives).toBe(lives)
    expect(total.kills).toBe(lives)
  }, 3_600_000)
})
