// `--state` with real processes: a short run of the crash-and-restart loop (the long one is `pnpm test:slow`), and a
// SIGTERM under load — in-flight requests complete, the counters they made are in the file, exit 0 within 5 s.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, describe, expect, it } from "vitest"
import { crashLoop } from "./support/crashLoop.ts"
import { rawRequest } from "./support/http.ts"
import { spawnServer } from "./support/spawn.ts"

const dir = mkdtempSync(join(tmpdir(), "aliyun-imds-state-process-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe("--state across kill -9", () => {
  it("10 lives, alternating Node and Bun: every acknowledged change survives, the data plane matches the model", async () => {
    const lives = join(dir, "loop")
    rmSync(lives, { recursive: true, force: true })
    const { mkdirSync } = await import("node:fs")
    mkdirSync(lives)
    const seed = Number(process.env.CRASH_SEED ?? Date.now() % 1_000_000)
    const report = await crashLoop({ iterations: 10, seed, dir: lives, runtimes: ["node", "bun"] })
    console.log(`crash loop (seed ${seed}): ${JSON.stringify(report)}`)
    expect(report.lives).toBe(10)
    expect(report.kills).toBe(10)
    expect(report.acknowledged).toBeGreaterThan(0)
  }, 300_000)
})

describe("--state and SIGTERM under load", () => {
  it("answers every request in flight, saves their counters and exits 0 within 5 s", async () => {
    const state = join(dir, "sigterm.json")
    const server = await spawnServer("node", { args: ["--state", state, "--log-level", "warn"] }, 60_000)
    const admin = (method: string, path: string, body?: unknown) =>
      rawRequest(`${server.adminUrl}${path}`, { method, ...(body === undefined ? {} : { body: JSON.stringify(body) }) })
    const inFlight = 40
    // Each request takes one use of this rule when it arrives, so an empty rule list means all of them are held.
    await admin("POST", "/v1/faults", { action: { type: "latency", ms: 30_000 }, times: inFlight })
    const requests = Array.from({ length: inFlight }, () =>
      rawRequest(`${server.dataUrl}/latest/meta-data/instance-id`, { timeoutMs: 60_000 })
    )
    const deadline = Date.now() + 30_000
    while (JSON.parse((await admin("GET", "/v1/faults")).text).rules.length > 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 10))
    }
    const stopping = Date.now()
    const exit = await server.stop("SIGTERM", 20_000)
    const tookMs = Date.now() - stopping
    const answers = await Promise.all(requests)
    expect(answers.map((a) => a.status)).toEqual(Array(inFlight).fill(200))
    expect(exit).toEqual({ code: 0, signal: null })
    expect(tookMs).toBeLessThan(5_000)
    const saved = JSON.parse(readFileSync(state, "utf8"))
    expect(saved.counters[server.defaultInstanceId].normalOk).toBe(inFlight)
    expect(saved.faults.rules).toEqual([])
  }, 120_000)
})

describe("--state file on both runtimes", () => {
  it("a file written under Bun loads under Node with the same change", async () => {
    const state = join(dir, "bun.json")
    writeFileSync(join(dir, "unused"), "")
    const bun = await spawnServer("bun", { args: ["--state", state, "--log-level", "warn"] }, 60_000)
    await rawRequest(`${bun.adminUrl}/v1/metadata-options`, { method: "POST", body: '{"HttpTokens":"required"}' })
    expect(await bun.stop("SIGTERM")).toEqual({ code: 0, signal: null })
    const node = await spawnServer("node", { args: ["--state", state, "--log-level", "warn"] }, 60_000)
    try {
      expect((await rawRequest(`${node.dataUrl}/latest/meta-data/instance-id`)).status).toBe(403)
    } finally {
      expect(await node.stop("SIGTERM")).toEqual({ code: 0, signal: null })
    }
  }, 120_000)
})
