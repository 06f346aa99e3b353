// The servers a benchmark starts: the raw baselines, Hono alone (the reference framework) and the emulator —
// also with process attribution off, to price it — each on Node and on Bun, each a pinned child process that prints
// one JSON line when it listens.
import { bunBin, nodeBin, type ServerProcess, srcDir, startProcess } from "./proc.ts"

export type Runtime = "node" | "bun"
export type ServerKind =
  | "raw-node"
  | "raw-bun"
  | "hono-node"
  | "hono-bun"
  | "emulator-node"
  | "emulator-bun"
  /** The emulator with `--attribute off` (the others run the default, `normal`). */
  | "emulator-node-attr-off"
  | "emulator-bun-attr-off"

export interface Ready {
  readonly url: string
  /** Emulator only. */
  readonly adminUrl?: string
  readonly instanceId?: string
  /** Emulator only: how long `startServer` took inside the process. */
  readonly startupMs?: number
}

export type Server = ServerProcess<Ready> & { readonly kind: ServerKind }

export const binOf = (runtime: Runtime): string => (runtime === "node" ? nodeBin : bunBin)
export const runtimeOf = (kind: ServerKind): Runtime => (kind.includes("-bun") ? "bun" : "node")
export const attributionOff = (kind: ServerKind): boolean => kind.endsWith("-attr-off")
export const emulatorOn = (runtime: Runtime): ServerKind => (runtime === "node" ? "emulator-node" : "emulator-bun")

export const startServer = async (kind: ServerKind, args: ReadonlyArray<string> = []): Promise<Server> => {
  const script = kind.startsWith("raw")
    ? `${srcDir}servers/${kind}.ts`
    : `${srcDir}servers/${kind.startsWith("hono") ? "hono" : "emulator"}.ts`
  const own = attributionOff(kind) ? ["--attribute", "off"] : []
  const server = await startProcess<Ready>(binOf(runtimeOf(kind)), [script, ...own, ...args], 60_000)
  return { ...server, kind }
}

/** Admin API of an emulator: the token count (CloudMonitor counters) and a reset. */
export const tokensIssued = async (server: Server): Promise<number> => {
  const response = await fetch(`${server.ready.adminUrl}/v1/counters`)
  const body = (await response.json()) as { totals: { tokensIssued: number } }
  return body.totals.tokensIssued
}

export const resetCounters = async (server: Server): Promise<void> => {
  await fetch(`${server.ready.adminUrl}/v1/counters`, { method: "DELETE" })
}
