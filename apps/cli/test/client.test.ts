// Client-side commands (get, token, credentials, identity) as subprocesses against an emulator on loopback: exact
// bytes, `--json` shapes, and the exit codes of refusals (3), missing items (4) and unreachable endpoints (1).
import { execFile } from "node:child_process"
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { promisify } from "node:util"
import { afterAll, assert, describe, it, vi } from "vitest"
import {
  at,
  binPath,
  cleanEnv,
  closedPort,
  journalOf,
  runCli,
  spawnCli,
  useEmulator,
  watchHolds
} from "./support/cli.ts"

const dir = mkdtempSync(join(tmpdir(), "aliyun-imds-cli-client-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const adminJson = async (adminUrl: string, path: string, init?: RequestInit) =>
  (await (await fetch(`${adminUrl}${path}`, init)).json()) as Record<string, unknown>

describe("get and token", () => {
  const server = useEmulator({ seed: "cli-client" })

  it("get prints the body exactly, with no newline added when stdout is not a terminal", async () => {
    const listing = await (await fetch(`${server().dataUrl}/latest/meta-data/`)).text()
    const r = await runCli(["get", "meta-data/", ...at(server()).endpoint])
    assert.deepStrictEqual(r, { code: 0, stdout: listing, stderr: "" })
    assert.isFalse(r.stdout.endsWith("\n"))
  })

  it("get --json reports the path, the mode used and the body", async () => {
    const r = await runCli(["get", "meta-data/instance-id", "--json", "--mode", "normal", ...at(server()).endpoint])
    assert.deepStrictEqual(JSON.parse(r.stdout), {
      path: "/latest/meta-data/instance-id",
      mode: "normal",
      attempts: 1,
      body: server().defaultInstanceId
    })
  })

  it("the endpoint can come from ALIBABA_CLOUD_IMDS_ENDPOINT", async () => {
    const r = await runCli(["get", "meta-data/instance-id"], { ALIBABA_CLOUD_IMDS_ENDPOINT: server().dataUrl })
    assert.strictEqual(r.stdout, server().defaultInstanceId)
  })

  it("finds an emulator moved with serve's port variables; the endpoint variables and flags still win", async () => {
    const port = new URL(server().dataUrl).port
    const adminPort = new URL(server().adminUrl).port
    const moved = { ALIYUN_IMDS_PORT: port, ALIYUN_IMDS_ADMIN_PORT: adminPort }
    const r = await runCli(["get", "meta-data/instance-id"], moved)
    assert.strictEqual(r.stdout, server().defaultInstanceId, r.stderr)
    const options = await runCli(["options", "get", "--json"], moved)
    assert.strictEqual(options.code, 0, options.stderr)
    const help = await runCli(["get", "--help"], moved)
    assert.include(help.stdout, `now: http://127.0.0.1:${port} from ALIYUN_IMDS_PORT`)
    const closed = `http://127.0.0.1:${await closedPort()}`
    for (const override of [{ ALIBABA_CLOUD_IMDS_ENDPOINT: closed }, {}]) {
      const args = "ALIBABA_CLOUD_IMDS_ENDPOINT" in override ? [] : ["--endpoint", closed]
      const refused = await runCli(["get", "meta-data/instance-id", ...args], { ...moved, ...override })
      assert.strictEqual(refused.code, 1)
      assert.include(refused.stderr, `cannot reach the metadata service at ${closed}`)
    }
    const bad = await runCli(["get", "meta-data/instance-id"], { ALIYUN_IMDS_PORT: "eighty" })
    assert.strictEqual(bad.code, 2)
    assert.include(bad.stderr, "ALIYUN_IMDS_PORT")
  })

  it("a missing item exits 4 with one line", async () => {
    const r = await runCli(["get", "meta-data/no-such-item", ...at(server()).endpoint])
    assert.strictEqual(r.code, 4)
    assert.strictEqual(r.stdout, "")
    assert.match(r.stderr, /^aliyun-imds: \/latest\/meta-data\/no-such-item does not exist.*\n$/)
  })

  it("an unreachable endpoint exits 1 with one line naming it and what to do", async () => {
    const endpoint = `http://127.0.0.1:${await closedPort()}`
    const r = await runCli(["get", "meta-data/instance-id", "--endpoint", endpoint])
    assert.strictEqual(r.code, 1)
    assert.include(r.stderr, endpoint)
    assert.include(r.stderr, "aliyun-imds serve")
    assert.strictEqual(r.stderr.trim().split("\n").length, 1)
    assert.notInclude(r.stderr, "    at ")
  })

  it("token prints a bare token; --json adds its lifetime", async () => {
    const r = await runCli(["token", "--ttl", "60", ...at(server()).endpoint])
    assert.strictEqual(r.code, 0)
    assert.match(r.stdout, /^[\x21-\x7e]{20,256}$/)
    const j = JSON.parse((await runCli(["token", "--json", "--ttl", "120", ...at(server()).endpoint])).stdout)
    assert.deepStrictEqual(Object.keys(j).sort(), ["expiresAt", "token", "ttlSeconds"])
    assert.strictEqual(j.ttlSeconds, 120)
    const used = await runCli(["get", "meta-data/instance-id", "--token", r.stdout, ...at(server()).endpoint])
    assert.strictEqual(used.stdout, server().defaultInstanceId)
  })

  it("mode normal with ALIBABA_CLOUD_IMDSV1_DISABLED=true is a usage error (2)", async () => {
    const r = await runCli(["get", "meta-data/instance-id", "--mode", "normal", ...at(server()).endpoint], {
      ALIBABA_CLOUD_IMDSV1_DISABLED: "true"
    })
    assert.strictEqual(r.code, 2)
  })
})

describe("refusals", () => {
  const server = useEmulator({ seed: "cli-refusals", httpTokens: "required" })

  it("a normal-mode read under HttpTokens=required exits 3 and says how to fix it", async () => {
    const r = await runCli(["get", "meta-data/instance-id", "--mode", "normal", ...at(server()).endpoint])
    assert.strictEqual(r.code, 3)
    assert.include(r.stderr, "HttpTokens=required")
    assert.strictEqual(r.stderr.trim().split("\n").length, 1)
  })

  it("a saved token stops working after 'clock advance 6h': 401, exit 3", async () => {
    const { endpoint, admin } = at(server())
    const token = (await runCli(["token", ...endpoint])).stdout
    const before = await runCli(["get", "meta-data/instance-id", "--token", token, ...endpoint])
    assert.strictEqual(before.code, 0)
    const advanced = await runCli(["clock", "advance", "6h", ...admin])
    assert.strictEqual(advanced.code, 0)
    const after = await runCli(["get", "meta-data/instance-id", "--token", token, ...endpoint])
    assert.strictEqual(after.code, 3)
    assert.include(after.stderr, "401")
    // Without a saved token the SDK simply fetches a fresh one.
    const fresh = await runCli(["get", "meta-data/instance-id", ...endpoint])
    assert.strictEqual(fresh.code, 0)
  })
})

describe("interruption", () => {
  const server = useEmulator({ seed: "cli-interrupt" })

  it("Ctrl-C on a request the service never answers ends it with 130", async () => {
    const s = server()
    const { admin, endpoint } = at(s)
    assert.strictEqual((await runCli(["faults", "add", "blackhole", ...admin])).code, 0)
    const held = watchHolds(s)
    const since = (await journalOf(s)).at(-1)?.seq ?? 0
    const child = spawnCli(["get", "meta-data/instance-id", ...endpoint])
    const exited = new Promise<number | null>((done) => child.once("exit", (code) => done(code)))
    const safetyNet = setTimeout(() => child.kill("SIGKILL"), 15_000) // only if SIGINT never ends it
    try {
      // Ctrl-C once the service holds the request (the token PUT): the command is past startup and waiting on it.
      await vi.waitFor(() => assert.isAtLeast(held(), 1), { timeout: 10_000, interval: 10 })
      child.kill("SIGINT")
      assert.strictEqual(await exited, 130)
    } finally {
      clearTimeout(safetyNet)
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL")
    }
    // Nothing is left in flight: every held request (the PUT, and a retry should the machine have stalled past the
    // CLI's 2 s attempt deadline) ended unanswered when the command went away.
    await vi.waitFor(
      async () =>
        assert.deepStrictEqual(
          (await journalOf(s, since)).map((e) => [e.method, e.path, e.status]),
          Array.from({ length: held() }, () => ["PUT", "/latest/api/token", 0])
        ),
      { timeout: 10_000, interval: 10 }
    )
    await runCli(["faults", "clear", ...admin])
  })
})

describe("credentials", () => {
  const server = useEmulator({ seed: "cli-credentials" })

  const current = async () => {
    const body = await adminJson(server().adminUrl, "/v1/instances/default/role/credentials")
    return body.current as Record<string, string>
  }

  it("--format env prints the three variables and exports them, ready for eval", async () => {
    const r = await runCli(["credentials", "--format", "env", ...at(server()).endpoint])
    assert.strictEqual(r.code, 0)
    const lines = r.stdout.trim().split("\n")
    const expected = await current()
    assert.deepStrictEqual(lines.slice(0, 3), [
      `ALIBABA_CLOUD_ACCESS_KEY_ID=${expected.AccessKeyId}`,
      `ALIBABA_CLOUD_ACCESS_KEY_SECRET=${expected.AccessKeySecret}`,
      `ALIBABA_CLOUD_SECURITY_TOKEN=${expected.SecurityToken}`
    ])
    const script = join(dir, "eval.sh")
    writeFileSync(
      script,
      `eval "$("${process.execPath}" "${binPath}" credentials --format env --endpoint "$1")"\nenv\n`
    )
    const { stdout } = await promisify(execFile)("sh", [script, server().dataUrl], { env: cleanEnv() })
    assert.include(stdout, `ALIBABA_CLOUD_ACCESS_KEY_ID=${expected.AccessKeyId}\n`)
    assert.include(stdout, `ALIBABA_CLOUD_SECURITY_TOKEN=${expected.SecurityToken}\n`)
  })

  it("--json (or --format json) prints the metadata's JSON fields", async () => {
    const j = JSON.parse((await runCli(["credentials", "--json", ...at(server()).endpoint])).stdout)
    const expected = await current()
    assert.deepStrictEqual(j, { ...expected, Code: "Success" })
  })

  it("an unknown role exits 4", async () => {
    const r = await runCli(["credentials", "--role", "NoSuchRole", ...at(server()).endpoint])
    assert.strictEqual(r.code, 4)
  })
})

describe("identity", () => {
  const server = useEmulator({ seed: "cli-identity" })

  it("--json holds the document, the audience and the signature, which --verify checks against the certificate", async () => {
    const cert = join(dir, "signer.pem")
    const pem = await runCli(["certificate", ...at(server()).admin])
    assert.match(pem.stdout, /^-----BEGIN CERTIFICATE-----/)
    writeFileSync(cert, pem.stdout)
    const r = await runCli([
      "identity",
      "--audience",
      "my-svc",
      "--verify",
      "--cert",
      cert,
      "--json",
      ...at(server()).endpoint
    ])
    assert.strictEqual(r.code, 0, r.stderr)
    const j = JSON.parse(r.stdout)
    assert.strictEqual(j.document["instance-id"], server().defaultInstanceId)
    assert.strictEqual(j.audience, "my-svc")
    assert.isTrue(j.verified)
    assert.match(j.pkcs7, /^MII/)
  })

  it("--verify without --cert is a usage error (2)", async () => {
    const r = await runCli(["identity", "--verify", ...at(server()).endpoint])
    assert.strictEqual(r.code, 2)
    assert.include(r.stderr, "--cert")
  })
})

describe("metadata over a Unix socket (--endpoint unix:PATH)", () => {
  const dir = mkdtempSync(join(tmpdir(), "aliyun-imds-cli-data-socket-"))
  const socket = join(dir, "imds.sock")
  const server = useEmulator({ seed: "cli-data-socket", socket, httpTokens: "required" })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it("get reaches the socket with --endpoint or ALIBABA_CLOUD_IMDS_ENDPOINT", async () => {
    const get = await runCli(["get", "meta-data/instance-id", "--endpoint", `unix:${socket}`])
    assert.strictEqual(get.code, 0, get.stderr)
    assert.strictEqual(get.stdout, server().defaultInstanceId)
    const viaEnv = await runCli(["get", "meta-data/region-id"], { ALIBABA_CLOUD_IMDS_ENDPOINT: `unix:${socket}` })
    assert.strictEqual(viaEnv.code, 0, viaEnv.stderr)
    assert.match(viaEnv.stdout, /^[a-z]+-[a-z0-9-]+$/)
  })
})
