// The crash-and-restart loop of `--state`: a real emulator process (the entry points, alternating Node and Bun, so each
// runtime reads what the other wrote) takes random admin changes, is killed with SIGKILL at a random moment — often
// while an admin change is being written — and is started again on the same state file. After every restart the file
// must load, every change acknowledged before the kill must be there, the one in flight at the kill may or may not
// be, and the data plane must answer as a model of the fleet says: each instance's mode (HttpTokens), the instances
// bound (and the removed ones refused), its role and current access key, its hostname, and tokens from the previous
// life still accepted. Deterministic from its seed, which every failure names.
import { existsSync, readdirSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { rawRequest } from "./http.ts"
import { type RuntimeName, type SpawnedServer, spawnServer } from "./spawn.ts"

export interface CrashLoopOptions {
  readonly iterations: number
  readonly seed: number
  /** A scratch directory for the fleet and state files. */
  readonly dir: string
  /** Runtimes used in turn, one per life. */
  readonly runtimes: ReadonlyArray<RuntimeName>
  /** Longest random delay (ms) between the start of the last burst of changes and the kill. */
  readonly maxKillDelayMs?: number
  readonly onProgress?: (line: string) => void
}

export interface CrashLoopReport {
  readonly lives: number
  readonly kills: number
  /** Admin changes answered 200 before a kill (each checked after the restart). */
  readonly acknowledged: number
  /** Kills that caught an admin change in flight, and how many of those the restart showed applied. */
  readonly inFlight: number
  readonly inFlightApplied: number
  /** Kills that left a temporary state file behind: the process died in the middle of writing the file. */
  readonly killedMidWrite: number
  readonly tokensCarried: number
  readonly elapsedMs: number
  readonly slowestStartMs: number
  /** Of the elapsed time: starting the emulator, checking it against the model, and changing it until the kill. */
  readonly startingMs: number
  readonly checkingMs: number
  readonly changingMs: number
}

type Tokens = "optional" | "required"

interface Modelled {
  readonly address: string
  readonly tokens: Tokens
  readonly role: string | null
  /** The role's current AccessKeyId; null when unknown (a rotation whose answer never came). */
  readonly keyId: string | null
  /** Null until a change sets it (the generated one is not modelled). */
  readonly hostname: string | null
}

interface Model {
  readonly instances: ReadonlyMap<string, Modelled>
  readonly removed: ReadonlyArray<string>
  readonly defaultTokens: Tokens
  readonly throttled: boolean
  readonly added: number
}

type Op =
  | { readonly kind: "set-one"; readonly id: string; readonly tokens: Tokens }
  | { readonly kind: "set-all"; readonly tokens: Tokens }
  | { readonly kind: "add"; readonly id: string; readonly address: string }
  | { readonly kind: "remove"; readonly id: string }
  | { readonly kind: "attach"; readonly id: string; readonly role: string }
  | { readonly kind: "detach"; readonly id: string }
  | { readonly kind: "rotate"; readonly id: string }
  | { readonly kind: "hostname"; readonly id: string; readonly value: string }
  | { readonly kind: "throttle"; readonly on: boolean }

const fleetYaml = `version: 1
seed: crash-loop
unmatchedPeers: refuse
instances:
  - instanceId: i-base1
    sourceAddresses: ["127.0.0.11"]
    ramRole: { name: BaseRole }
  - instanceId: i-base2
    sourceAddresses: ["127.0.0.12"]
`

const initialModel = (): Model => ({
  instances: new Map<string, Modelled>([
    ["i-base1", { address: "127.0.0.11", tokens: "optional", role: "BaseRole", keyId: null, hostname: null }],
    ["i-base2", { address: "127.0.0.12", tokens: "optional", role: null, keyId: null, hostname: null }]
  ]),
  removed: [],
  defaultTokens: "optional",
  throttled: false,
  added: 0
})

/** mulberry32: small, fast and reproducible. */
const randomFrom = (seed: number) => {
  let a = seed >>> 0
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  const int = (n: number) => Math.floor(next() * n)
  const pick = <A>(items: ReadonlyArray<A>): A => items[int(items.length)]!
  return { next, int, pick }
}
type Random = ReturnType<typeof randomFrom>

const addressOf = (n: number) => `127.0.${1 + Math.floor(n / 250)}.${(n % 250) + 1}`

const nextOp = (model: Model, random: Random): Op => {
  const ids = [...model.instances.keys()]
  const withRole = ids.filter((id) => model.instances.get(id)!.role !== null)
  const tokens = (): Tokens => random.pick(["optional", "required"] as const)
  const choices: Array<() => Op> = [
    () => ({ kind: "set-one", id: random.pick(ids), tokens: tokens() }),
    () => ({ kind: "set-all", tokens: tokens() }),
    () => ({ kind: "attach", id: random.pick(ids), role: `Role${random.int(1000)}` }),
    () => ({ kind: "hostname", id: random.pick(ids), value: `host-${random.int(100_000)}` }),
    () => ({ kind: "throttle", on: random.next() < 0.5 })
  ]
  if (ids.length < 6) {
    choices.push(() => ({ kind: "add", id: `i-add${model.added + 1}`, address: addressOf(model.added + 1) }))
  }
  if (ids.length > 1) choices.push(() => ({ kind: "remove", id: random.pick(ids) }))
  if (withRole.length > 0) {
    choices.push(() => ({ kind: "detach", id: random.pick(withRole) }))
    choices.push(() => ({ kind: "rotate", id: random.pick(withRole) }))
  }
  return random.pick(choices)()
}

// biome-ignore lint/suspicious/noExplicitAny: admin answers are read as loose JSON
type Json = any

/** The op as an admin request: method, path, body, and the status of success. */
const requestOf = (op: Op): readonly [string, string, unknown, number] => {
  switch (op.kind) {
    case "set-one":
      return ["POST", `/v1/instances/${op.id}/metadata-options`, { HttpTokens: op.tokens }, 200]
    case "set-all":
      return ["POST", "/v1/metadata-options", { HttpTokens: op.tokens }, 200]
    case "add":
      return ["POST", "/v1/instances", { instanceId: op.id, sourceAddresses: [op.address] }, 201]
    case "remove":
      return ["DELETE", `/v1/instances/${op.id}`, undefined, 200]
    case "attach":
      return ["POST", `/v1/instances/${op.id}/role`, { name: op.role }, 200]
    case "detach":
      return ["DELETE", `/v1/instances/${op.id}/role`, undefined, 200]
    case "rotate":
      return ["POST", `/v1/instances/${op.id}/role/rotate`, undefined, 200]
    case "hostname":
      return ["PUT", `/v1/instances/${op.id}/metadata/hostname`, { value: op.value }, 200]
    case "throttle":
      return op.on
        ? ["PUT", "/v1/throttle", { ratePerSecond: 100_000, burst: 100_000 }, 200]
        : ["DELETE", "/v1/throttle", undefined, 200]
  }
}

/** The model after `op`; `answer` is its admin answer, or null when it never came (values it carried are unknown). */
const applyOp = (model: Model, op: Op, answer: Json | null): Model => {
  const instances = new Map(model.instances)
  const update = (id: string, change: Partial<Modelled>) => instances.set(id, { ...instances.get(id)!, ...change })
  switch (op.kind) {
    case "set-one":
      update(op.id, { tokens: op.tokens })
      return { ...model, instances }
    case "set-all":
      for (const id of instances.keys()) update(id, { tokens: op.tokens })
      return { ...model, instances, defaultTokens: op.tokens }
    case "add":
      instances.set(op.id, {
        address: op.address,
        tokens: model.defaultTokens,
        role: null,
        keyId: null,
        hostname: null
      })
      return { ...model, instances, added: model.added + 1 }
    case "remove": {
      const { address } = instances.get(op.id)!
      instances.delete(op.id)
      return { ...model, instances, removed: [...model.removed, address] }
    }
    case "attach":
    case "rotate":
      update(op.id, {
        ...(op.kind === "attach" ? { role: op.role } : {}),
        keyId: answer?.credential?.AccessKeyId ?? null
      })
      return { ...model, instances }
    case "detach":
      update(op.id, { role: null, keyId: null })
      return { ...model, instances }
    case "hostname":
      update(op.id, { hostname: op.value })
      return { ...model, instances }
    case "throttle":
      return { ...model, throttled: op.on }
  }
}

/** The server answered, but not with success: the model and the server disagree. */
class WrongAnswer extends Error {}

const send = async (server: SpawnedServer, op: Op): Promise<Json> => {
  const [method, path, body, expected] = requestOf(op)
  const res = await rawRequest(`${server.adminUrl}${path}`, {
    method,
    ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { "content-type": "application/json" } })
  })
  if (res.status !== expected) throw new WrongAnswer(`${method} ${path} answered ${res.status}: ${res.text}`)
  return JSON.parse(res.text)
}

interface Observed {
  readonly ids: ReadonlyArray<string>
  readonly instances: ReadonlyMap<string, Omit<Modelled, "address">>
  /** Status of a read from each removed address. */
  readonly removed: ReadonlyArray<number>
  readonly throttled: boolean
  /** A token per instance, issued in this life, to try in the next. */
  readonly tokens: ReadonlyMap<string, string>
}

const tokenHeader = "X-aliyun-ecs-metadata-token"

/** What the data plane (and, for the instance list and throttle, the admin plane) says now, reading as `model` says
 * each instance is reachable. */
const observe = async (server: SpawnedServer, model: Model, candidates: ReadonlyArray<Model>): Promise<Observed> => {
  const get = (path: string, from: string, token?: string) =>
    rawRequest(`${server.dataUrl}${path}`, {
      localAddress: from,
      headers: token === undefined ? {} : { [tokenHeader]: token }
    })
  const listed: Json = JSON.parse((await rawRequest(`${server.adminUrl}/v1/instances`)).text)
  const ids = (listed.instances as Array<{ instanceId: string }>).map((i) => i.instanceId).sort()
  const addresses = new Map<string, string>()
  for (const candidate of candidates) for (const [id, m] of candidate.instances) addresses.set(id, m.address)
  const instances = new Map<string, Omit<Modelled, "address">>()
  const tokens = new Map<string, string>()
  for (const id of ids) {
    const from = addresses.get(id)
    if (from === undefined) throw new Error(`the server has an instance no model has: ${id}`)
    const normal = await get("/latest/meta-data/instance-id", from)
    const put = await rawRequest(`${server.dataUrl}/latest/api/token`, {
      method: "PUT",
      localAddress: from,
      headers: { "X-aliyun-ecs-metadata-token-ttl-seconds": "21600" }
    })
    if (put.status !== 200) throw new Error(`token PUT from ${from} answered ${put.status}`)
    const token = put.text
    tokens.set(id, token)
    const mine = await get("/latest/meta-data/instance-id", from, token)
    if (mine.text !== id) throw new Error(`a read from ${from} with a token answered ${mine.status} ${mine.text}`)
    const roles = await get("/latest/meta-data/ram/security-credentials/", from, token)
    const role = roles.status === 404 ? null : roles.text
    const keyId =
      role === null
        ? null
        : (JSON.parse((await get(`/latest/meta-data/ram/security-credentials/${role}`, from, token)).text)
            .AccessKeyId as string)
    const hostname = (await get("/latest/meta-data/hostname", from, token)).text
    const tokensMode: Tokens =
      normal.status === 403 ? "required" : normal.status === 200 && normal.text === id ? "optional" : ("?" as Tokens)
    instances.set(id, { tokens: tokensMode, role, keyId, hostname })
  }
  const removed = await Promise.all(
    model.removed.map(async (a) => (await get("/latest/meta-data/instance-id", a)).status)
  )
  const throttle: Json = JSON.parse((await rawRequest(`${server.adminUrl}/v1/throttle`)).text)
  return { ids, instances, removed, throttled: throttle.rules.length > 0, tokens }
}

/** Why `observed` is not `model` (null when it is); unknown model values match anything. */
const mismatch = (model: Model, observed: Observed): string | null => {
  const ids = [...model.instances.keys()].sort()
  if (JSON.stringify(ids) !== JSON.stringify(observed.ids)) return `instances ${observed.ids} instead of ${ids}`
  for (const [id, m] of model.instances) {
    const o = observed.instances.get(id)!
    if (o.tokens !== m.tokens) return `${id} reads as HttpTokens=${o.tokens} instead of ${m.tokens}`
    if (o.role !== m.role) return `${id} has role ${o.role} instead of ${m.role}`
    if (m.keyId !== null && o.keyId !== m.keyId) return `${id} serves key ${o.keyId} instead of ${m.keyId}`
    if (m.hostname !== null && o.hostname !== m.hostname) return `${id} has hostname ${o.hostname} not ${m.hostname}`
  }
  if (observed.removed.some((status) => status !== 403)) return `a removed address answers ${observed.removed}`
  if (observed.throttled !== model.throttled)
    return `throttle rules ${observed.throttled} instead of ${model.throttled}`
  return null
}

/** The model with the values it did not know taken from what was observed. */
const learn = (model: Model, observed: Observed): Model => ({
  ...model,
  instances: new Map(
    [...model.instances].map(([id, m]) => {
      const o = observed.instances.get(id)!
      return [id, { ...m, keyId: m.keyId ?? o.keyId, hostname: m.hostname ?? o.hostname }] as const
    })
  )
})

export const crashLoop = async (options: CrashLoopOptions): Promise<CrashLoopReport> => {
  const random = randomFrom(options.seed)
  const fleet = join(options.dir, "fleet.yaml")
  const state = join(options.dir, "state.json")
  writeFileSync(fleet, fleetYaml)
  const args = ["--config", fleet, "--state", state, "--state-flush", "0.05", "--log-level", "warn"]
  const started = Date.now()
  let model = initialModel()
  let uncertain: Op | null = null
  let carried = new Map<string, string>()
  const report = {
    lives: 0,
    kills: 0,
    acknowledged: 0,
    inFlight: 0,
    inFlightApplied: 0,
    killedMidWrite: 0,
    tokensCarried: 0,
    slowestStartMs: 0,
    startingMs: 0,
    checkingMs: 0,
    changingMs: 0
  }
  const fail = (iteration: number, why: string): never => {
    throw new Error(`crash loop (seed ${options.seed}), life ${iteration + 1}: ${why}`)
  }
  for (let life = 0; life < options.iterations; life++) {
    const runtime = options.runtimes[life % options.runtimes.length]!
    const t0 = Date.now()
    const server = await spawnServer(runtime, { args }, 60_000).catch((e: Error) =>
      fail(life, `the emulator did not start on the state file: ${e.message}`)
    )
    report.slowestStartMs = Math.max(report.slowestStartMs, Date.now() - t0)
    report.startingMs += Date.now() - t0
    const t1 = Date.now()
    report.lives++
    try {
      if (/dropped|corrupt|not saved/.test(server.output().stderr))
        fail(life, `start-up said: ${server.output().stderr}`)
      // The file loaded; now the state must be the model's, with or without the change in flight at the kill.
      const applied = uncertain === null ? null : applyOp(model, uncertain, null)
      const candidates = applied === null ? [model] : [model, applied]
      const observed = await observe(server, model, candidates)
      const without = mismatch(model, observed)
      if (without === null) model = learn(model, observed)
      else if (applied !== null && mismatch(applied, observed) === null) {
        model = learn(applied, observed)
        report.inFlightApplied++
      } else
        fail(life, `${without}${uncertain === null ? "" : ` (in flight at the kill: ${JSON.stringify(uncertain)})`}`)
      for (const [id, token] of carried) {
        const m = model.instances.get(id)
        if (m === undefined) continue
        const res = await rawRequest(`${server.dataUrl}/latest/meta-data/instance-id`, {
          localAddress: m.address,
          headers: { [tokenHeader]: token }
        })
        if (res.status !== 200) fail(life, `a token ${id} got before the restart answers ${res.status}`)
        report.tokensCarried++
      }
      carried = new Map(observed.tokens)
      uncertain = null
      const t2 = Date.now()
      report.checkingMs += t2 - t1
      // Some changes, each acknowledged before the next...
      for (let n = random.int(4); n > 0; n--) {
        const op = nextOp(model, random)
        model = applyOp(model, op, await send(server, op))
        report.acknowledged++
      }
      // ...then more, until SIGKILL lands at a random moment among them.
      const delay = random.int((options.maxKillDelayMs ?? 40) + 1)
      const killed = new Promise<void>((resolve) =>
        setTimeout(() => {
          server.child.kill("SIGKILL")
          resolve()
        }, delay)
      )
      let dead = false
      void killed.then(() => {
        dead = true
      })
      while (!dead) {
        const op = nextOp(model, random)
        const answer = await send(server, op).catch((e: unknown) => {
          if (e instanceof WrongAnswer) fail(life, e.message)
          return null
        })
        if (answer === null) {
          if (!dead) await killed
          uncertain = op
          report.inFlight++
          break
        }
        model = applyOp(model, op, answer)
        report.acknowledged++
      }
      await killed
      await server.stop("SIGKILL", 10_000)
      report.kills++
      report.changingMs += Date.now() - t2
      if (readdirSync(options.dir).some((n) => n.startsWith("state.json.tmp-"))) report.killedMidWrite++
      options.onProgress?.(`life ${life + 1}/${options.iterations} (${runtime}): ${model.instances.size} instances`)
    } finally {
      if (server.child.exitCode === null && server.child.signalCode === null) await server.stop("SIGKILL", 10_000)
    }
  }
  if (!existsSync(state)) throw new Error("no state file was written")
  return { ...report, elapsedMs: Date.now() - started }
}
