// The single-file binary (`npm run build:binary`, bun build --compile): moved to an empty directory and run with no
// Node on PATH, it serves, answers the harness's curl checks, and drives the admin API and the client commands.
import { type ChildProcess, execFileSync, spawn } from "node:child_process"
import { copyFileSync, mkdtempSync, rmSync, statSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { afterAll, assert, beforeAll, it } from "vitest"

const cli = fileURLToPath(new URL("..", import.meta.url))
const dir = mkdtempSync(join(tmpdir(), "aliyun-imds-binary-"))
const binary = join(dir, "aliyun-imds")
// A PATH with nothing on it (no node, no bun); curl is called by its full path.
const env = { PATH: join(dir, "bin-none"), HOME: dir }
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

const listening = (child: ChildProcess): Promise<{ data: string; admin: string }> =>
  new Promise((resolve, reject) => {
    let seen = ""
    child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
      seen += chunk
      const data = /"dataUrl":"([^"]+)"/.exec(seen)?.[1]
      const admin = /"adminUrl":"([^"]+)"/.exec(seen)?.[1]
      if (data !== undefined && admin !== undefined) resolve({ data, admin })
    })
    child.once("exit", (code) => reject(new Error(`serve exited with ${code}:\n${seen}`)))
  })

it("is one executable that serves and answers curl, client and admin commands with no Node on PATH", async () => {
  console.log(`binary: ${(statSync(binary).size / 2 ** 20).toFixed(1)} MiB`)
  assert.match(run("--version"), /^aliyun-imds \d+\.\d+\.\d+\n$/)
  server = spawn(binary, ["serve", "--port", "0", "--admin-port", "0", "--no-ecs", "--seed", "binary"], {
    cwd: dir,
    env,
    stdio: ["ignore", "ignore", "pipe"]
  })
  const { data, admin } = await listening(server)

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
