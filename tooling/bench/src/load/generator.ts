// Picks the load generator: wrk when installed (it outruns the servers on one core), else autocannon from npm so a
// fresh machine still runs the suite.
import { bunBin, nodeBin, runToEnd, srcDir, wrkAvailable } from "../proc.ts"
import type { LoadResult, LoadSpec } from "./spec.ts"
import { runWrk } from "./wrk.ts"

export type Generator = "wrk" | "autocannon"

export const pickGenerator = (forced?: string): Generator => {
  if (forced === "autocannon" || forced === "wrk") return forced
  return wrkAvailable ? "wrk" : "autocannon"
}

const runWorker = async (runtime: string, worker: string, spec: LoadSpec): Promise<LoadResult> => {
  const out = await runToEnd(runtime, [`${srcDir}load/${worker}`, JSON.stringify(spec)])
  return JSON.parse(out.trim().split("\n").pop() ?? "{}") as LoadResult
}

/** Without wrk, new connections come from connect-worker.ts (autocannon has no connection-per-request mode). */
export const runLoad = (generator: Generator, spec: LoadSpec): Promise<LoadResult> => {
  if (generator === "wrk") return runWrk(spec)
  return spec.reconnect
    ? runWorker(bunBin, "connect-worker.ts", spec)
    : runWorker(nodeBin, "autocannon-worker.ts", spec)
}
