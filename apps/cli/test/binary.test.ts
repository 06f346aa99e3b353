// The single-file binary (`npm run build:binary`, bun build --compile): moved to an empty directory and run with no
// Node on PATH, it serves, answers the harness's curl checks, and drives the admin API and the client commands.
import { type ChildProcess, execFileSync, spawn, spawnSync } from "node:child_process"
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { listening } from "@aliyun-imds/vitest-config/listening"
import { afterAll, assert, beforeAll, it } from "vitest"

const cli = fileURLToPath(new URL("..", import.meta.url))
const dir = mkdtempSync(join(tmpdir(), "aliyun-imds-binary-"))
const binary = join(dir, "aliyun-imds")
// A PATH with nothing on it (no node, no bun); curl is called by its full path. Temp files go under `dir`, so the
// tests see whatever the binary leaves behind.
const tmp = join(dir, "tmp")
mkdirSync(tmp)
const env = { PATH: join(dir, "bin-none"), HOME: dir, TMPDIR: tmp }
const isRoot = process.platform === "linux" && process.getuid?.() === 0
let server: ChildProcess | undefined

beforeAll(() => {
  const built = execFileSync(process.execPath, ["scripts/build-binary.mjs"], { cwd: cli, encoding: "utf8" }).trim()
  copyFileSync(built.split("\n").at(-1)!, binary)
}, 120_000)

afterAll(() => {
  server?.kill("SIGTERM")
  rmSync(dir, { recursive: true, force: true })
})

const run = (...args: Array<string>) => execFileSync(binary, args, { cwd: dir, env, encoding: "utf8" })
const curl = (...args: Array<string>) =>
  execFileSync("/usr/bin/curl", ["-s", "-w", "\\n%{http_code}", ...args], { encoding: "utf8" })

it("is one executable that serves and answers curl, client and admin commands with no Node on PATH", async () => {
  console.log(`binary: ${(statSync(binary).size / 2 ** 20).toFixed(1)} MiB`)
  assert.match(run("--version"), /^aliyun-imds \d+\.\d+\.\d+\n$/)
  server = spawn(binary, ["serve", "--port", "0", "--admin-port", "0", "--no-ecs", "--seed", "binary"], {
    cwd: dir,
    env,
    stdio: ["ignore", "ignore", "pipe"]
  })
  const { dataUrl: data, adminUrl: admin } = await listening(server)

  const [id, status] = curl(`${data}/latest/meta-data/instance-id`).split("\n")
  assert.strictEqual(status, "200")
  assert.match(id!, /^i-[a-z0-9]+$/)
  const [token] = curl(
    "-X",
    "PUT",
    "-H",
    "X-aliyun-ecs-metadata-token-ttl-seconds: 60",
    `${data}/latest/api/token`
  ).split("\n")
  assert.strictEqual(
    curl("-H", `X-aliyun-ecs-metadata-token: ${token}`, `${data}/latest/meta-data/instance-id`),
    `${id}\n200`
  )
  assert.strictEqual(run("get", "meta-data/instance-id", "--endpoint", data), id)

  run("options", "set", "--http-tokens", "required", "--admin", admin)
  assert.strictEqual(curl(`${data}/latest/meta-data/instance-id`).split("\n").at(-1), "403")
  assert.strictEqual(run("get", "meta-data/instance-id", "--endpoint", data), id, "the CLI reads with a token")
})

/** `aliyun-imds ARGS` run to its end, with its exit code and output. */
const outcome = (...args: Array<string>) => {
  const r = spawnSync(binary, args, { cwd: dir, env, encoding: "utf8" })
  return { code: r.status, stdout: r.stdout, stderr: r.stderr }
}

it("runs exec: the command's Node gets the preload baked into the binary, and its copy is removed after", () => {
  const read = "fetch('http://100.100.100.200/latest/meta-data/instance-id').then((r) => r.text()).then(console.log)"
  const r = outcome("exec", "--seed", "binary", "--", process.execPath, "-e", read)
  assert.strictEqual(r.code, 0, r.stderr)
  assert.match(r.stdout, /^i-[a-z0-9]+\n$/)
  assert.deepStrictEqual(readdirSync(tmp), [], "nothing of the run is left in the temp directory")
})

/** Network namespaces on the machine, and sandbox insides started from this test's binary. */
const netNamespaces = () =>
  execFileSync("lsns", ["-t", "net", "-n", "-o", "NS"], { encoding: "utf8" }).split("\n").length
const ourProcesses = () =>
  readdirSync("/proc")
    .filter((pid) => /^\d+$/.test(pid))
    .filter((pid) => {
      try {
        const cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8")
        return cmdline.includes(binary) && cmdline.includes("__aliyun-imds-sandbox-inner")
      } catch {
        return false
      }
    })

it.skipIf(!isRoot)("runs sandbox and check (root: the binary re-invokes itself as the namespace's inside)", () => {
  const before = netNamespaces()
  const socket = join(dir, "admin.sock")
  const read = ["/usr/bin/curl", "-s", "http://100.100.100.200/latest/meta-data/instance-id"]
  const inside = outcome("sandbox", "--seed", "binary", "--admin-socket", socket, "--", ...read)
  assert.strictEqual(inside.code, 0, inside.stderr)
  assert.match(inside.stdout, /^i-[a-z0-9]+$/)

  const tokenless = outcome("check", "--seed", "binary", "--", ...read)
  assert.strictEqual(tokenless.code, 5, tokenless.stderr)
  assert.include(tokenless.stderr, "check failed: 1 request without a token")
  const recipe =
    'T=$(/usr/bin/curl -s -X PUT -H "X-aliyun-ecs-metadata-token-ttl-seconds: 60" http://100.100.100.200/latest/api/token)' +
    '; /usr/bin/curl -s -H "X-aliyun-ecs-metadata-token: $T" http://100.100.100.200/latest/meta-data/instance-id'
  const withToken = outcome("check", "--seed", "binary", "--", "/bin/sh", "-c", recipe)
  assert.strictEqual(withToken.code, 0, withToken.stderr)
  assert.include(withToken.stderr, "check passed: 2 requests, 1 token PUT")

  assert.deepStrictEqual(ourProcesses(), [], "no process of the sandbox is left")
  assert.isFalse(existsSync(socket), "the admin socket is removed")
  assert.isAtMost(netNamespaces(), before, "no network namespace is left")
  assert.deepStrictEqual(readdirSync(tmp), [], "nothing of the runs is left in the temp directory")
})
