// Cold start: from spawning `aliyun-imds serve --port 0 --admin-port 0 --json` (apps/cli) to the first 200 on
// `meta-data/instance-id`. Falls back to the server's own entry points (main.node.ts / main.bun.ts) when the CLI is
// not there, and says so.
import { spawn } from "node:child_process"
import { existsSync } from "node:fs"
import { createInterface } from "node:readline"
import { pinned, repoRoot, stopChild } from "../proc.ts"
import { binOf, type Runtime } from "../servers.ts"
import { median } from "../stats.ts"

export interface ColdStart {
  readonly runtime: Runtime
  /** What was started, relative to the repo root. */
  readonly command: string
  readonly samplesMs: ReadonlyArray<number>
  readonly medianMs: number
}

const cli = `${repoRoot}apps/cli/bin/aliyun-imds.js`

/** Every listener on a free port. */
const freePorts = ["--port", "0", "--admin-port", "0", "--ecs-port", "0"]

const commandFor = (runtime: Runtime): ReadonlyArray<string> =>
  existsSync(cli)
    ? [cli, "serve", ...freePorts, "--json", "--log-level", "warn"]
    : [`${repoRoot}apps/server/src/main.${runtime}.ts`, ...freePorts, "--log-level", "warn"]

/** The metadata URL from the first stdout line that names one (`--json` output or main.ts's banner). */
const urlIn = (line: string): string | null =>
  /"metadataUrl":"([^"]+)"|metadata: +(\S+)/.exec(line)?.slice(1).find(Boolean) ?? null

const once = (runtime: Runtime): Promise<number> =>
  new Promise((resolve, reject) => {
    const started = performance.now()
    const [cmd, args] = pinned("server", binOf(runtime), commandFor(runtime))
    const child = spawn(cmd, args, { stdio: ["ignore", "pipe", "ignore"] })
    const timer = setTimeout(() => void stopChild(child).then(() => reject(new Error("no answer within 30 s"))), 30_000)
    child.once("error", reject)
    createInterface({ input: child.stdout }).on("line", (line) => {
      const url = urlIn(line)
      if (url === null) return
      void fetch(`${url}/latest/meta-data/instance-id`)
        .then(async (response) => {
          await response.text()
          if (response.status !== 200) throw new Error(`first reply was HTTP ${response.status}`)
          return performance.now() - started
        })
        .then(
          (ms) => stopChild(child).then(() => resolve(ms)),
          (error: Error) => stopChild(child).then(() => reject(error))
        )
        .finally(() => clearTimeout(timer))
    })
  })

export const runColdStart = async (runtime: Runtime, count: number): Promise<ColdStart> => {
  const samplesMs: Array<number> = []
  for (let i = 0; i < count; i++) samplesMs.push(await once(runtime))
  const [script = "", ...rest] = commandFor(runtime)
  const command = `${runtime} ${script.replace(repoRoot, "")} ${rest.join(" ")}`
  return { runtime, command, samplesMs, medianMs: median(samplesMs) }
}
