// Admin commands as subprocesses against an emulator's admin API: each changes what the metadata listener serves,
// prints JSON with --json, and maps the API's refusals to exit codes (401 → 3, 404 → 4, 400 → 2).
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, assert, describe, it, vi } from "vitest"
import { at, closedPort, runCli, spawnCli, useEmulator } from "./support/cli.ts"

const json = async (args: ReadonlyArray<string>) => {
  const r = await runCli([...args, "--json"])
  assert.strictEqual(r.code, 0, r.stderr)
  return JSON.parse(r.stdout)
}

describe("options, set, instances", () => {
  const server = useEmulator({ seed: "cli-admin-options" })
  const meta = (path: string, init?: RequestInit) => fetch(`${server().dataUrl}/latest/meta-data/${path}`, init)

  it("options set --http-tokens required turns normal-mode reads into 403; options get shows it", async () => {
    const { admin } = at(server())
    assert.strictEqual((await meta("instance-id")).status, 200)
    const set = await json(["options", "set", "--http-tokens", "required", ...admin])
    assert.deepStrictEqual(set, {
      MetadataOptions: [
        {
          InstanceId: server().defaultInstanceId,
          HttpEndpoint: "enabled",
          HttpTokens: "required",
          InstanceMetadataTags: "disabled"
        }
      ]
    })
    assert.strictEqual((await meta("instance-id")).status, 403)
    const text = await runCli(["options", "get", "--instance", "default", ...admin])
    assert.match(text.stdout, /^INSTANCE\s+HTTP-ENDPOINT\s+HTTP-TOKENS\s+METADATA-TAGS\n/)
    assert.include(text.stdout, "required")
    await runCli(["options", "set", "--http-tokens", "optional", ...admin])
    assert.strictEqual((await meta("instance-id")).status, 200)
  })

  it("options set with nothing to set, or a bad value, is a usage error (2)", async () => {
    assert.strictEqual((await runCli(["options", "set", ...at(server()).admin])).code, 2)
    const bad = await runCli(["options", "set", "--http-tokens", "sometimes", ...at(server()).admin])
    assert.strictEqual(bad.code, 2)
    assert.include(bad.stderr, "--http-tokens")
  })

  it("set <instance> <path> <value> changes what the instance serves", async () => {
    const r = await json(["set", "default", "hostname", "web-7", ...at(server()).admin])
    assert.deepStrictEqual(r, { instanceId: server().defaultInstanceId, path: "hostname", value: "web-7" })
    assert.strictEqual(await (await meta("hostname")).text(), "web-7")
  })

  it("instances add / list / remove", async () => {
    const { admin } = at(server())
    const added = await json([
      "instances",
      "add",
      "--instance-id",
      "i-cliadded01",
      "--source-address",
      "127.0.0.9",
      ...admin
    ])
    assert.strictEqual(added.instanceId, "i-cliadded01")
    assert.deepStrictEqual(added.sourceAddresses, ["127.0.0.9"])
    const list = await json(["instances", "list", ...admin])
    assert.deepStrictEqual(
      list.instances.map((i: { instanceId: string }) => i.instanceId),
      [server().defaultInstanceId, "i-cliadded01"]
    )
    const table = await runCli(["instances", "list", ...admin])
    assert.include(table.stdout, "127.0.0.9")
    assert.strictEqual((await runCli(["instances", "remove", "i-cliadded01", ...admin])).code, 0)
    const again = await runCli(["instances", "remove", "i-cliadded01", ...admin])
    assert.strictEqual(again.code, 4)
    assert.include(again.stderr, "instances list")
  })

  it("a duplicate instance id is refused naming it", async () => {
    const r = await runCli(["instances", "add", "--instance-id", server().defaultInstanceId, ...at(server()).admin])
    assert.notStrictEqual(r.code, 0)
    assert.include(r.stderr, server().defaultInstanceId)
  })
})

describe("role, clock, spot, events", () => {
  const server = useEmulator({ seed: "cli-admin-time" })
  const meta = (path: string) => fetch(`${server().dataUrl}/latest/meta-data/${path}`)

  it("role detach / attach / rotate", async () => {
    const { admin } = at(server())
    assert.strictEqual((await runCli(["role", "detach", ...admin])).code, 0)
    assert.strictEqual((await meta("ram/security-credentials/")).status, 404)
    const attached = await json(["role", "attach", "AppRole", "--validity", "3600", ...admin])
    assert.strictEqual(attached.role.name, "AppRole")
    assert.strictEqual(await (await meta("ram/security-credentials/")).text(), "AppRole")
    const rotated = await json(["role", "rotate", ...admin])
    assert.notStrictEqual(rotated.credential.AccessKeyId, attached.credential.AccessKeyId)
  })

  it("clock show / advance / freeze / resume / set", async () => {
    const { admin } = at(server())
    const shown = await json(["clock", "show", ...admin])
    assert.deepStrictEqual(Object.keys(shown).sort(), ["frozen", "now", "offsetMs", "time"])
    const frozen = await json(["clock", "freeze", ...admin])
    assert.isTrue(frozen.frozen)
    const advanced = await json(["clock", "advance", "1h30m", ...admin])
    assert.strictEqual(advanced.now - frozen.now, 90 * 60_000)
    const set = await json(["clock", "set", "2030-01-01T00:00:00Z", ...admin])
    assert.strictEqual(set.time, "2030-01-01T00:00:00.000Z")
    assert.isFalse((await json(["clock", "resume", ...admin])).frozen)
    const text = await runCli(["clock", "reset", ...admin])
    assert.match(text.stdout, /wall time, running/)
    assert.strictEqual((await runCli(["clock", "advance", "soon", ...admin])).code, 2)
  })

  it("spot schedule / cancel drive instance/spot/termination-time", async () => {
    const { admin } = at(server())
    const scheduled = await json(["spot", "schedule", "--in", "2m", ...admin])
    assert.match(scheduled.terminationTime, /^\d{4}-/)
    assert.strictEqual((await meta("instance/spot/termination-time")).status, 200)
    assert.strictEqual(
      (await runCli(["spot", "schedule", "--in", "2m", "--at", "2030-01-01T00:00:00Z", ...admin])).code,
      2
    )
    await runCli(["spot", "cancel", ...admin])
    assert.strictEqual((await meta("instance/spot/termination-time")).status, 404)
  })

  it("events add / list / clear", async () => {
    const { admin } = at(server())
    const added = await json(["events", "add", "SystemMaintenance.Reboot", "--in", "1h", ...admin])
    assert.strictEqual(added.event.eventType, "SystemMaintenance.Reboot")
    assert.strictEqual((await json(["events", "list", ...admin])).events.length, 1)
    assert.strictEqual((await json(["events", "clear", ...admin])).events.length, 0)
    assert.strictEqual((await runCli(["events", "add", "not-a-type", ...admin])).code, 2)
  })
})

describe("throttle, faults, tokens, reload, reset", () => {
  const server = useEmulator({ seed: "cli-admin-rules" })
  const meta = (path: string) => fetch(`${server().dataUrl}/latest/meta-data/${path}`)

  it("throttle set / list / clear", async () => {
    const { admin } = at(server())
    const set = await json(["throttle", "set", "--rate", "0.001", "--burst", "1", ...admin])
    assert.deepStrictEqual(set.rules, [{ target: "*", ratePerSecond: 0.001, burst: 1 }])
    await meta("instance-id")
    assert.strictEqual((await meta("instance-id")).status, 429)
    assert.deepStrictEqual((await json(["throttle", "clear", ...admin])).rules, [])
    assert.strictEqual((await meta("instance-id")).status, 200)
  })

  it("faults add / list / clear", async () => {
    const { admin } = at(server())
    const rule = await json(["faults", "add", "status", "--status", "503", "--times", "1", ...admin])
    assert.deepStrictEqual(rule.action, { type: "status", status: 503 })
    assert.strictEqual((await json(["faults", "list", ...admin])).rules.length, 1)
    assert.strictEqual((await meta("instance-id")).status, 503)
    assert.strictEqual((await meta("instance-id")).status, 200)
    await runCli(["faults", "add", "latency", "--ms", "1", ...admin])
    assert.strictEqual((await json(["faults", "clear", ...admin])).removed, 1)
    assert.strictEqual((await runCli(["faults", "add", "latency", ...admin])).code, 2)
    assert.strictEqual((await runCli(["faults", "clear", "fault-404", ...admin])).code, 4)
  })

  it("revoke-tokens makes a saved token answer 401 (exit 3)", async () => {
    const { admin, endpoint } = at(server())
    const token = (await runCli(["token", ...endpoint])).stdout
    assert.strictEqual((await runCli(["revoke-tokens", ...admin])).code, 0)
    assert.strictEqual((await runCli(["get", "meta-data/instance-id", "--token", token, ...endpoint])).code, 3)
  })

  it("reload and reset report the fleet", async () => {
    const { admin } = at(server())
    const reloaded = await json(["reload", ...admin])
    assert.deepStrictEqual(reloaded, {
      source: "built-in default instance",
      defaultInstanceId: server().defaultInstanceId,
      instanceCount: 1,
      warnings: []
    })
    await runCli(["set", "default", "hostname", "changed", ...admin])
    await json(["reset", "--all", ...admin])
    assert.notStrictEqual(await (await meta("hostname")).text(), "changed")
  })
})

describe("stats and journal", () => {
  const server = useEmulator({ seed: "cli-admin-stats" })
  const read = (token?: string) =>
    fetch(
      `${server().dataUrl}/latest/meta-data/instance-id`,
      token ? { headers: { "X-aliyun-ecs-metadata-token": token } } : {}
    )
  const newToken = async () =>
    (
      await fetch(`${server().dataUrl}/latest/api/token`, {
        method: "PUT",
        headers: { "X-aliyun-ecs-metadata-token-ttl-seconds": "60" }
      })
    ).text()

  it("stats counts normal-mode successes and refusals, tokens issued and refused, per instance", async () => {
    const { admin } = at(server())
    const id = server().defaultInstanceId
    await read()
    await read()
    const token = await newToken()
    await read(token)
    await read("not-a-token")
    await runCli(["options", "set", "--http-tokens", "required", ...admin])
    await read()
    const counters = await json(["stats", ...admin])
    const mine = counters.instances[id]
    assert.strictEqual(mine.normalOk, 2)
    assert.strictEqual(mine.normalRejected, 1)
    assert.strictEqual(mine.tokensIssued, 1)
    assert.strictEqual(mine.tokenOk, 1)
    assert.strictEqual(mine.tokenRefused.malformed, 1)
    assert.strictEqual(mine.throttled, 0)
    const text = (await runCli(["stats", ...admin])).stdout
    const row = text.split("\n").find((line) => line.startsWith(id))
    assert.isDefined(row)
    // INSTANCE HTTP-TOKENS NORMAL-OK NORMAL-REFUSED TOKEN-OK TOKENS-ISSUED TOKENS-REFUSED THROTTLED TOTAL
    assert.deepStrictEqual(row!.split(/\s+/).slice(1, 8), ["required", "2", "1", "1", "1", "1", "0"])
    assert.include(text, "normal-mode read(s) were refused")
  })

  it("journal --mode normal lists the token-less reads", async () => {
    const r = await json(["journal", "--mode", "normal", ...at(server()).admin])
    assert.isAtLeast(r.entries.length, 3)
    assert.isTrue(r.entries.every((e: { mode: string }) => e.mode === "normal"))
    // The reads came from this test process: the journal names it.
    assert.isTrue(r.entries.every((e: { process: { pid: number } | null }) => e.process?.pid === process.pid))
    const text = await runCli(["journal", "--status", "403", ...at(server()).admin])
    assert.match(text.stdout, /^SEQ\s+TIME\s+INSTANCE\s+PEER\s+PROCESS\s+MODE/)
    assert.include(text.stdout, "TokenRequired")
    const exe = process.execPath.slice(process.execPath.lastIndexOf("/") + 1)
    assert.include(text.stdout, ` ${process.pid} ${exe} `)
  })

  it("stats --watch refreshes until SIGINT and exits 0; journal --follow prints new entries", async () => {
    const { admin } = at(server())
    await read(await newToken()) // the journal is not empty, so `--follow --limit 1` prints a line as soon as it runs
    const watch = spawnCli(["stats", "--watch", "--json", ...admin])
    const follow = spawnCli(["journal", "--follow", "--json", "--limit", "1", ...admin])
    let watched = ""
    let followed = ""
    watch.stdout?.setEncoding("utf8").on("data", (c: string) => (watched += c))
    follow.stdout?.setEncoding("utf8").on("data", (c: string) => (followed += c))
    const exit = (p: typeof watch) => new Promise<number | null>((done) => p.once("exit", (code) => done(code)))
    const [watchExit, followExit] = [exit(watch), exit(follow)]
    // Both commands are running (each printed once) before the requests they must then report are made.
    await vi.waitFor(() => assert.isTrue(watched.includes("\n") && followed.includes("\n")), {
      timeout: 20_000,
      interval: 100
    })
    const token = await newToken()
    await read(token)
    await vi.waitFor(
      () => {
        assert.include(followed, "/latest/api/token")
        assert.isAtLeast(watched.trim().split("\n").length, 2)
      },
      { timeout: 20_000, interval: 100 }
    )
    watch.kill("SIGINT")
    follow.kill("SIGINT")
    assert.strictEqual(await watchExit, 0)
    assert.strictEqual(await followExit, 0)
    assert.isAtLeast(watched.trim().split("\n").length, 2)
    const paths = followed
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l).path)
    assert.includeMembers(paths, ["/latest/api/token", "/latest/meta-data/instance-id"])
  })
})

describe("admin access", () => {
  const server = useEmulator({ seed: "cli-admin-token", adminToken: "s3cret" })

  it("without the admin token: exit 3; with --admin-token or ALIYUN_IMDS_ADMIN_TOKEN: 0", async () => {
    const { admin } = at(server())
    const refused = await runCli(["instances", "list", ...admin])
    assert.strictEqual(refused.code, 3)
    assert.include(refused.stderr, "--admin-token")
    assert.strictEqual((await runCli(["instances", "list", "--admin-token", "s3cret", ...admin])).code, 0)
    assert.strictEqual((await runCli(["instances", "list", ...admin], { ALIYUN_IMDS_ADMIN_TOKEN: "s3cret" })).code, 0)
    assert.strictEqual(
      (await runCli(["stats"], { ALIYUN_IMDS_ADMIN_URL: server().adminUrl, ALIYUN_IMDS_ADMIN_TOKEN: "s3cret" })).code,
      0
    )
  })

  it("an unreachable admin API exits 1 and says how to start one", async () => {
    const r = await runCli(["clock", "show", "--admin", `http://127.0.0.1:${await closedPort()}`])
    assert.strictEqual(r.code, 1)
    assert.include(r.stderr, "aliyun-imds serve")
  })
})

describe("admin over a Unix socket (--admin unix:PATH)", () => {
  const dir = mkdtempSync(join(tmpdir(), "aliyun-imds-cli-socket-"))
  const socket = join(dir, "admin.sock")
  const server = useEmulator({ seed: "cli-admin-socket", adminSocket: socket })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it("every admin command reaches the socket; the change shows on the data plane", async () => {
    assert.strictEqual(server().adminUrl, `unix:${socket}`)
    const set = await runCli(["options", "set", "--http-tokens", "required", "--admin", `unix:${socket}`, "--json"])
    assert.strictEqual(set.code, 0, set.stderr)
    assert.strictEqual(JSON.parse(set.stdout).MetadataOptions[0].HttpTokens, "required")
    assert.strictEqual((await fetch(`${server().dataUrl}/latest/meta-data/instance-id`)).status, 403)
    const viaEnv = await runCli(["instances", "list", "--json"], { ALIYUN_IMDS_ADMIN_URL: `unix:${socket}` })
    assert.strictEqual(viaEnv.code, 0, viaEnv.stderr)
    assert.strictEqual(JSON.parse(viaEnv.stdout).instances[0].instanceId, server().defaultInstanceId)
  })

  it("a socket nobody serves exits 1 and names it; an empty path is a usage error", async () => {
    const missing = join(dir, "missing.sock")
    const r = await runCli(["clock", "show", "--admin", `unix:${missing}`])
    assert.strictEqual(r.code, 1)
    assert.include(r.stderr, `cannot reach the admin API at unix:${missing}`)
    const empty = await runCli(["clock", "show", "--admin", "unix:"])
    assert.strictEqual(empty.code, 2)
    assert.include(empty.stderr, "needs the socket's path")
  })
})

describe("audit", () => {
  const server = useEmulator({ seed: "cli-audit" })

  it("lists token-less callers by process, as a table and as JSON, with the per-instance figure", async () => {
    const read = (path: string, agent: string) =>
      fetch(`${server().dataUrl}/latest/meta-data/${path}`, { headers: { "User-Agent": agent } })
    await read("instance-id", "legacy-agent/1.0")
    await read("region-id", "legacy-agent/1.0")
    await read("hostname", "cron-job/0.1")
    const { admin } = at(server())
    const data = await json(["audit", ...admin])
    // This test process made all three reads: one caller, found by its pid, with both user agents.
    assert.deepStrictEqual(
      data.groups.map((g: { pids: Array<number>; userAgents: Array<string>; count: number }) => [
        g.pids,
        g.userAgents,
        g.count
      ]),
      [[[process.pid], ["cron-job/0.1", "legacy-agent/1.0"], 3]]
    )
    assert.strictEqual(data.instances[0].successfulNormalModeAccesses, 3)
    const table = await runCli(["audit", ...admin])
    assert.strictEqual(table.code, 0, table.stderr)
    assert.match(
      table.stdout,
      new RegExp(
        `^COUNT\\s+REFUSED\\s+PID\\s+COMMAND\\s+USER-AGENT\\s+INSTANCE\\s+FIRST\\s+LAST\\s+PATHS\\n3\\s+0\\s+${process.pid}\\s`
      )
    )
    assert.include(table.stdout, `${server().defaultInstanceId}: 3 successful normal-mode accesses`)
    const bad = await runCli(["audit", "--since", "last tuesday", ...admin])
    assert.strictEqual(bad.code, 2)
    assert.include(bad.stderr, '"since"')
  })
})
