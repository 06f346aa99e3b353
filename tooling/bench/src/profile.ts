// `node src/profile.ts <scenario> [emulator|raw-node|raw-bun] [seconds] [node|bun] [keep-alive|new]`: runs one scenario
// (keep-alive by default, or a new connection per request) against a server under `--cpu-prof` (Node or Bun) and prints the functions with the most self and inclusive time.
import { mkdtempSync, readdirSync, readFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { pickGenerator, runLoad } from "./load/generator.ts"
import { bunBin, nodeBin, srcDir, startProcess } from "./proc.ts"
import { scenarioById } from "./scenarios.ts"

interface ProfileNode {
  readonly id: number
  readonly children?: ReadonlyArray<number>
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number }
}
interface Profile {
  readonly nodes: ReadonlyArray<ProfileNode>
  readonly samples: ReadonlyArray<number>
}

const [scenarioId = "token-get", target = "emulator", seconds = "5", runtime = "node", connection = "keep-alive"] =
  process.argv.slice(2)
const dir = mkdtempSync(join(tmpdir(), "imds-prof-"))
const server = await startProcess<{ url: string }>(runtime === "bun" ? bunBin : nodeBin, [
  "--cpu-prof",
  `--cpu-prof-dir=${dir}`,
  `${srcDir}servers/${target}.ts`
])
const requests = await scenarioById(scenarioId).prepare(server.ready.url)
const spec = {
  url: server.ready.url,
  connections: 64,
  durationSeconds: Number(seconds),
  reconnect: connection === "new",
  requests
}
const result = await runLoad(pickGenerator(), spec)
await server.stop()
process.stdout.write(`${JSON.stringify(result)}\n`)

const file = readdirSync(dir).find((f) => f.endsWith(".cpuprofile"))
if (file === undefined) throw new Error(`no profile written in ${dir}`)
const profile = JSON.parse(readFileSync(join(dir, file), "utf8")) as Profile
const byId = new Map(profile.nodes.map((n) => [n.id, n]))
const parent = new Map<number, number>()
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id)
const label = (id: number): string => {
  const frame = byId.get(id)!.callFrame
  const where = frame.url.replace(/^.*node_modules\//, "").replace(/^.*\/src\//, "")
  return `${frame.functionName || "(anonymous)"} ${where}:${frame.lineNumber + 1}`
}
const self = new Map<string, number>()
const inclusive = new Map<string, number>()
for (const id of profile.samples) {
  self.set(label(id), (self.get(label(id)) ?? 0) + 1)
  const seen = new Set<string>()
  for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) seen.add(label(at))
  for (const key of seen) inclusive.set(key, (inclusive.get(key) ?? 0) + 1)
}
const total = profile.samples.length
const top = (title: string, table: Map<string, number>, count: number) => {
  process.stdout.write(`${title}\n`)
  for (const [key, n] of [...table].sort((a, b) => b[1] - a[1]).slice(0, count)) {
    process.stdout.write(`${((100 * n) / total).toFixed(1).padStart(5)}%  ${key}\n`)
  }
}
top("self time", self, Number(process.env.TOP ?? 30))
top("inclusive time", inclusive, Number(process.env.TOP ?? 30))
process.stdout.write(`profile: ${join(dir, file)}\n`)
