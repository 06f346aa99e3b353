// The container image (`npm run build:image`, container/Containerfile), built offline FROM scratch and run with
// Debian's podman (runc; this machine's crun does not run), its metadata and admin ports published on the host's
// loopback: a token PUT and GET and an admin read answer from the host, the admin API wants the token, a container
// without one refuses to start, and `podman stop` (SIGTERM) ends it within its one-second grace, before any SIGKILL.
// Podman gets private storage, networks and settings in a temp directory (test/support/podman.ts), so the podman
// commands below are exactly the ones docs/container.md shows.
import { type ChildProcess, spawn, spawnSync } from "node:child_process"
import { mkdtempSync, readFileSync, rmSync } from "node:fs"
import { createServer } from "node:net"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { afterAll, assert, beforeAll, it } from "vitest"
import { must, privatePodman, provision, run } from "../support/podman.ts"

const cli = fileURLToPath(new URL("../..", import.meta.url))
const dir = mkdtempSync(join(tmpdir(), "aliyun-imds-image-test-"))
const image = "aliyun-imds:test"
const name = `aliyun-imds-test-${process.pid}`
const env = privatePodman(dir)

const sh = (cmd: string, args: ReadonlyArray<string>) => run(env, cmd, args)

const freePort = () =>
  new Promise<number>((resolve) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    })
  })

beforeAll(() => {
  provision({ podman: "podman", runc: "runc" }, "the image test")
  const started = Date.now()
  must(env, process.execPath, [join(cli, "scripts", "build-image.mjs"), "--engine", "podman", "--tag", image])
  console.log(`image built in ${((Date.now() - started) / 1000).toFixed(1)} s`)
})

afterAll(() => {
  sh("podman", ["rm", "-f", name])
  sh("podman", ["rmi", "-f", image])
  rmSync(dir, { recursive: true, force: true })
})

const curl = (...args: Array<string>) => {
  const r = spawnSync("/usr/bin/curl", ["-s", "-w", "\\n%{http_code}", ...args], { encoding: "utf8" })
  const lines = r.stdout.split("\n")
  return { status: lines.at(-1), body: lines.slice(0, -1).join("\n") }
}

/** docs/container.md's `podman run` line, with its name, ports and image replaced; its `docker run` line (also in the
 * CLI README) must match. */
const documentedRun = (data: number, admin: number): Array<string> => {
  const doc = readFileSync(join(cli, "..", "..", "docs", "container.md"), "utf8")
  const podman = doc.split("\n").find((line) => line.startsWith("podman run "))
  const docker = doc.split("\n").find((line) => line.startsWith("docker run "))
  assert.strictEqual(docker, podman?.replace(/^podman/, "docker"), "the docs show the same docker and podman lines")
  const readme = readFileSync(join(cli, "README.md"), "utf8")
  assert.include(readme.split("\n"), docker, "the CLI README shows the docs' docker run line")
  const words = (podman ?? "").split(" ").slice(1)
  const swap: Record<string, string> = {
    "aliyun-imds": name,
    "127.0.0.1:8100:8100": `127.0.0.1:${data}:8100`,
    "127.0.0.1:8101:8101": `127.0.0.1:${admin}:8101`
  }
  return words.map((word, i) => (i === words.length - 1 ? image : (swap[word] ?? word)))
}

/** Resolves once the container's emulator says it listens. */
const listening = (child: ChildProcess) =>
  new Promise<void>((resolve, reject) => {
    let seen = ""
    const look = (chunk: string) => {
      seen += chunk
      if (seen.includes('"message":"listening"')) resolve()
    }
    child.stdout?.setEncoding("utf8").on("data", look)
    child.stderr?.setEncoding("utf8").on("data", look)
    child.once("exit", (code) => reject(new Error(`podman run exited with ${code}:\n${seen}`)))
  })

it("is FROM scratch: the binary, the libraries it links and /tmp, nothing else", () => {
  const size = Number(must(env, "podman", ["image", "inspect", "--format", "{{.Size}}", image]).trim())
  console.log(`image size: ${(size / 2 ** 20).toFixed(1)} MiB`)
  assert.isBelow(size, 160 * 2 ** 20)
  const history = must(env, "podman", ["history", "--format", "{{.CreatedBy}}", image])
  assert.notMatch(history, /\bFROM\b(?! scratch)|apt|apk/i)
})

it("refuses to start without an admin token, saying so", () => {
  const r = sh("podman", ["run", "--rm", image])
  assert.notStrictEqual(r.code, 0)
  assert.match(r.out, /not loopback-only: give it an admin token/)
})

it("serves on published loopback ports: a token PUT and GET and the admin API; podman stop ends it at once", async () => {
  const [data, admin] = [await freePort(), await freePort()]
  const args = documentedRun(data, admin)
  assert.deepStrictEqual(args.slice(0, 3), ["run", "--rm", "--name"])
  const run = spawn("podman", args, { env, stdio: ["ignore", "pipe", "pipe"] })
  const exited = new Promise<number | null>((resolve) => run.once("exit", (code) => resolve(code)))
  await listening(run)

  const token = curl(
    "-X",
    "PUT",
    "-H",
    "X-aliyun-ecs-metadata-token-ttl-seconds: 60",
    `http://127.0.0.1:${data}/latest/api/token`
  )
  assert.strictEqual(token.status, "200")
  const id = curl(
    "-H",
    `X-aliyun-ecs-metadata-token: ${token.body}`,
    `http://127.0.0.1:${data}/latest/meta-data/instance-id`
  )
  assert.strictEqual(id.status, "200")
  assert.match(id.body, /^i-[a-z0-9]+$/)
  assert.strictEqual(
    curl(`http://127.0.0.1:${admin}/v1/metadata-options`).status,
    "401",
    "the admin API wants the token"
  )
  const options = curl("-H", "Authorization: Bearer change-me", `http://127.0.0.1:${admin}/v1/metadata-options`)
  assert.strictEqual(options.status, "200")
  assert.include(options.body, id.body)

  // A one-second grace: a container still running after it is SIGKILLed and exits 137.
  const stopping = Date.now()
  must(env, "podman", ["stop", "--time", "1", name])
  const code = await exited
  console.log(`podman stop took ${Date.now() - stopping} ms`)
  assert.strictEqual(code, 0, "ended by SIGTERM within the grace, not killed")
})
