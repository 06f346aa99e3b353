// `pnpm dev`: the server from source under `tsx watch`, flags passed through, restarted when a file of another
// workspace package changes (here the server's, touched without a change of content).
import { type ChildProcess, spawn } from "node:child_process"
import { utimesSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { afterEach, assert, it } from "vitest"
import { cleanEnv } from "./support/cli.ts"

const root = fileURLToPath(new URL("../../../", import.meta.url))
const watched = fileURLToPath(new URL("../../server/src/Log.ts", import.meta.url))
let dev: ChildProcess | undefined

afterEach(() => {
  // The whole group: pnpm, tsx's watcher and the server it runs.
  if (dev?.pid !== undefined) process.kill(-dev.pid, "SIGTERM")
})

/** Resolves with the n-th metadata URL the process announces. */
const announced = (child: ChildProcess, n: number): Promise<string> =>
  new Promise((resolve, reject) => {
    let seen = ""
    const urls: Array<string> = []
    const onData = (chunk: string) => {
      seen += chunk
      for (const m of seen.matchAll(/"dataUrl":"([^"]+)"/g)) if (!urls.includes(m[1]!)) urls.push(m[1]!)
      if (urls.length >= n) resolve(urls[n - 1]!)
    }
    child.stderr?.setEncoding("utf8").on("data", onData)
    child.stdout?.setEncoding("utf8").on("data", onData)
    child.once("exit", (code) => reject(new Error(`pnpm dev exited with ${code}:\n${seen}`)))
  })

it("pnpm dev serves with the given flags and restarts when a workspace package's source changes", async () => {
  dev = spawn("pnpm", ["dev", "--port", "0", "--admin-port", "0", "--no-ecs", "--seed", "dev-loop"], {
    cwd: root,
    env: cleanEnv(),
    detached: true,
    stdio: ["ignore", "pipe", "pipe"]
  })
  const first = announced(dev, 1)
  const second = announced(dev, 2)
  const url = await first
  assert.strictEqual((await fetch(`${url}/latest/meta-data/instance-id`)).status, 200)
  const now = new Date()
  utimesSync(watched, now, now)
  const again = await second
  assert.notStrictEqual(again, url, "a new server after the restart")
  assert.strictEqual((await fetch(`${again}/latest/meta-data/instance-id`)).status, 200)
})
