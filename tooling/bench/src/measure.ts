// One load run against a server, with the server's CPU (cores used) and RSS read from /proc around it.
import type { Generator } from "./load/generator.ts"
import { runLoad } from "./load/generator.ts"
import type { LoadResult, LoadSpec } from "./load/spec.ts"
import { usageOf } from "./proc.ts"
import type { Server } from "./servers.ts"
import { mib } from "./stats.ts"

export interface Measured extends LoadResult {
  /** Server CPU time over wall time during the run (1 = one core busy). */
  readonly cpuCores: number
  readonly rssMiB: number
}

export const measure = async (generator: Generator, server: Server, spec: LoadSpec): Promise<Measured> => {
  const before = usageOf(server.pid)
  const started = performance.now()
  const result = await runLoad(generator, spec)
  const seconds = (performance.now() - started) / 1000
  const after = usageOf(server.pid)
  if (after.rssBytes === 0 && before.rssBytes !== 0) throw new Error(`${server.kind} (pid ${server.pid}) died`)
  return { ...result, cpuCores: (after.cpuSeconds - before.cpuSeconds) / seconds, rssMiB: mib(after.rssBytes) }
}
