// `aliyun-imds serve` as a real process: it prints both URLs and the default instance, serves token and normal
// reads, stops cleanly on SIGTERM / SIGINT (exit 0), and refuses bad input with one line and a non-zero code.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import type { JournalEntry } from "@aliyun-imds/core"
import { afterAll, assert, describe, it } from "vitest"
import { findBun } from "../src/commands/bunRuntime.ts"
import { runCli, type Served, serveCli, spawnCli } from "./support/cli.ts"

const dir = mkdtempSync(join(tmpdir(), "aliyun-imds-cli-serve-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const freePorts = ["--port", "0", "--admin-port", "0", "--ecs-port", "0", "--log-level", "none"]

describe("serve", () => {
  it("prints both URLs and the default instance, serves both modes, and exits 0 on SIGTERM", async () => {
    const served: Served = await serveCli([...freePorts, "--seed", "serve-suite"])
    try {
      assert.strictEqual(served.runtime, "node")
      assert.match(served.instanceId, /^i-[a-z0-9]+$/)
      assert.match(served.dataUrl, /^http:\/\/127\.0\.0\.1:\d+$/)
      assert.match(served.adminUrl, /^http:\/\/127\.0\.0\.1:\d+$/)
      assert.notStrictEqual(served.dataUrl, served.adminUrl)
      assert.include(served.output().stdout, `  console:  ${served.adminUrl}/\n`)
      const token = await runCli(["get", "meta-data/instance-id", "--endpoint", served.dataUrl])
      assert.deepStrictEqual(token, { code: 0, stdout: served.instanceId, stderr: "" })
      const normal = await runCli(["get", "meta-data/instance-id", "--mode", "normal", "--endpoint", served.dataUrl])
      assert.deepStrictEqual(normal, { code: 0, stdout: served.instanceId, stderr: "" })
    } finally {
      assert.strictEqual(await served.stop("SIGTERM"), 0)
    }
  })

  it("--attribute all journals the process behind token-mode requests too", async () => {
    const served = await serveCli([...freePorts, "--attribute", "all"])
    try {
      const read = await runCli(["get", "meta-data/instance-id", "--endpoint", served.dataUrl])
      assert.strictEqual(read.stdout, served.instanceId)
      const journal = await runCli(["journal", "--json", "--admin", served.adminUrl])
      const entries = (JSON.parse(journal.stdout) as { entries: ReadonlyArray<JournalEntry> }).entries
      assert.deepStrictEqual(
        entries.map((e) => [e.method, e.mode, e.processMiss, e.process?.exe === process.execPath]),
        [
          ["PUT", "none", null, true],
          ["GET", "token", null, true]
        ]
      )
      assert.match(entries[1]?.process?.cmdline ?? "", /aliyun-imds\.js get meta-data\/instance-id --endpoint /)
    } finally {
      await served.stop()
    }
  })

  it("exits 0 on SIGINT (Ctrl-C) too", async () => {
    const served = await serveCli(freePorts)
    assert.strictEqual(await served.stop("SIGINT"), 0)
  })

  it("applies --http-tokens required to the generated instance, and env ports stand in for --port", async () => {
    const served = await serveCli(["--http-tokens", "required", "--log-level", "none"], {
      ALIYUN_IMDS_PORT: "0",
      ALIYUN_IMDS_ADMIN_PORT: "0",
      ALIYUN_IMDS_ECS_PORT: "0"
    })
    try {
      const normal = await runCli(["get", "meta-data/instance-id", "--mode", "normal", "--endpoint", served.dataUrl])
      assert.strictEqual(normal.code, 3)
      const token = await runCli(["get", "meta-data/instance-id", "--endpoint", served.dataUrl])
      assert.strictEqual(token.stdout, served.instanceId)
    } finally {
      await served.stop()
    }
  })

  it("--json prints one JSON line with the URLs", async () => {
    const child = spawnCli(["serve", ...freePorts, "--json"])
    const line = await new Promise<string>((resolve, reject) => {
      let out = ""
      child.stdout?.setEncoding("utf8").on("data", (c: string) => {
        out += c
        if (out.includes("\n")) resolve(out.split("\n")[0]!)
      })
      child.once("exit", (code) => reject(new Error(`exited ${code}`)))
    })
    const exited = new Promise((done) => child.once("exit", done))
    child.kill("SIGTERM")
    await exited
    const parsed = JSON.parse(line) as Record<string, unknown>
    assert.deepStrictEqual(Object.keys(parsed).sort(), [
      "accessKeyId",
      "accessKeySecret",
      "adminUrl",
      "consoleUrl",
      "defaultInstanceId",
      "ecsUrl",
      "metadataUrl",
      "runtime"
    ])
    assert.match(String(parsed.ecsUrl), /^http:\/\/127\.0\.0\.1:\d+$/)
    assert.strictEqual(parsed.consoleUrl, parsed.adminUrl)
    assert.match(String(parsed.accessKeyId), /^LTAI5t/)
    assert.strictEqual(parsed.runtime, "node")
  })

  it.skipIf(findBun() === null)("--runtime bun serves through Bun and still exits 0 on SIGTERM", async () => {
    const served = await serveCli([...freePorts, "--runtime", "bun"])
    try {
      assert.strictEqual(served.runtime, "bun")
      const r = await runCli(["get", "meta-data/instance-id", "--endpoint", served.dataUrl])
      assert.strictEqual(r.stdout, served.instanceId)
    } finally {
      assert.strictEqual(await served.stop("SIGTERM"), 0)
    }
  })

  it("--log-format human --log-level debug writes one readable line per metadata request", async () => {
    const served = await serveCli([
      "--port",
      "0",
      "--admin-port",
      "0",
      "--no-ecs",
      "--log-format",
      "human",
      "--log-level",
      "debug"
    ])
    try {
      await runCli(["get", "meta-data/instance-id", "--mode", "normal", "--endpoint", served.dataUrl])
      const line = served
        .output()
        .stderr.split("\n")
        .find((l) => / DEBUG request /.test(l))
      assert.match(
        line ?? "",
        new RegExp(
          String.raw`^\S+Z DEBUG request method=GET path=/latest/meta-data/instance-id status=200 mode=normal ` +
            String.raw`instanceId=${served.instanceId} peer=127\.0\.0\.1 durationMs=[\d.]+$`
        )
      )
    } finally {
      assert.strictEqual(await served.stop("SIGTERM"), 0)
    }
  })

  it("serves a fleet file and names the bad field of an invalid one in one line (exit 1)", async () => {
    const good = join(dir, "fleet.yaml")
    writeFileSync(good, "version: 1\ninstances:\n  - instanceId: i-clifleet01\n")
    const served = await serveCli(["--config", good, ...freePorts])
    assert.strictEqual(served.instanceId, "i-clifleet01")
    await served.stop()

    const bad = join(dir, "bad.yaml")
    writeFileSync(bad, "version: 1\ninstances:\n  - instanceId: Not An Id\n")
    const r = await runCli(["serve", "--config", bad, ...freePorts])
    assert.strictEqual(r.code, 1)
    assert.strictEqual(r.stdout, "")
    assert.strictEqual(r.stderr.trim().split("\n").length, 1)
    assert.include(r.stderr, "instances[0].instanceId")

    const missing = await runCli(["serve", "--config", join(dir, "nope.yaml"), ...freePorts])
    assert.strictEqual(missing.code, 1)
    assert.include(missing.stderr, "ENOENT")
  })

  it("refuses a port in use with one line (exit 1)", async () => {
    const served = await serveCli(freePorts)
    try {
      const port = new URL(served.dataUrl).port
      const r = await runCli(["serve", "--port", port, "--admin-port", "0", "--ecs-port", "0", "--log-level", "none"])
      assert.strictEqual(r.code, 1)
      assert.match(r.stderr, /^aliyun-imds: cannot listen on .*EADDRINUSE.*--port/)
      assert.strictEqual(r.stderr.trim().split("\n").length, 1)
    } finally {
      await served.stop()
    }
  })

  it("refuses a non-loopback admin listener without a token (exit 1)", async () => {
    const r = await runCli(["serve", ...freePorts, "--admin-host", "0.0.0.0"])
    assert.strictEqual(r.code, 1)
    assert.include(r.stderr, "admin token")
  })

  it("--state keeps a change across a restart, refuses a corrupt or locked file in one line (exit 1), and --state-reset starts fresh", async () => {
    const state = join(dir, "state.json")
    const first = await serveCli(["--state", state, ...freePorts])
    const set = await runCli(["options", "set", "--http-tokens", "required", "--admin", first.adminUrl])
    assert.strictEqual(set.code, 0, set.stderr)
    const locked = await runCli(["serve", "--state", state, ...freePorts])
    assert.strictEqual(locked.code, 1)
    assert.match(locked.stderr, /^aliyun-imds: state file .*state\.json is in use by another emulator \(pid \d+,/)
    assert.strictEqual(locked.stderr.trim().split("\n").length, 1)
    assert.strictEqual(await first.stop("SIGTERM"), 0)

    const second = await serveCli(["--state", state, ...freePorts])
    try {
      const normal = await runCli(["get", "meta-data/instance-id", "--mode", "normal", "--endpoint", second.dataUrl])
      assert.strictEqual(normal.code, 3)
    } finally {
      assert.strictEqual(await second.stop("SIGTERM"), 0)
    }

    writeFileSync(state, '{"version": 1, "fle')
    const corrupt = await runCli(["serve", "--state", state, ...freePorts])
    assert.strictEqual(corrupt.code, 1)
    assert.strictEqual(corrupt.stdout, "")
    assert.match(corrupt.stderr, /^aliyun-imds: state file .*state\.json is corrupt \(\(file\): not JSON/)
    assert.include(corrupt.stderr, "--state-reset")
    assert.strictEqual(corrupt.stderr.trim().split("\n").length, 1)

    const fresh = await serveCli(["--state", state, "--state-reset", ...freePorts])
    try {
      const normal = await runCli(["get", "meta-data/instance-id", "--mode", "normal", "--endpoint", fresh.dataUrl])
      assert.strictEqual(normal.code, 0)
    } finally {
      assert.strictEqual(await fresh.stop("SIGTERM"), 0)
    }
  }, 120_000)
})
