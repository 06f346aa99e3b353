// Soak: 64 connections of mixed token PUT/GET (each PUT's token used by the GETs after it, so the verified-token
// cache keeps churning) for a fixed time, sampling the server's RSS every second. Stable means little growth once
// warmed up: the last seconds against the first ones after the warm-up, medians of five samples each.
import { type Measured, measure } from "../measure.ts"
import type { BenchOptions } from "../options.ts"
import { usageOf } from "../proc.ts"
import { fetchToken, tokenHeader, tokenPut } from "../scenarios.ts"
import { emulatorOn, type Runtime, startServer } from "../servers.ts"
import { median, mib } from "../stats.ts"

export interface SoakResult {
  readonly runtime: Runtime
  readonly seconds: number
  readonly load: Measured
  /** RSS (MiB) once per second. */
  readonly rssSamplesMiB: ReadonlyArray<number>
  readonly rssAtWarmupMiB: number
  /** Median RSS of the last five samples minus that of the five after the warm-up (robust to GC spikes). */
  readonly growthMiB: number
}

export const runSoak = async (options: BenchOptions, runtime: Runtime): Promise<SoakResult> => {
  const server = await startServer(emulatorOn(runtime))
  const samples: Array<number> = []
  const timer = setInterval(() => samples.push(mib(usageOf(server.pid).rssBytes)), 1000)
  try {
    const get = {
      method: "GET" as const,
      path: "/latest/meta-data/instance-id",
      headers: { [tokenHeader]: await fetchToken(server.ready.url) }
    }
    const load = await measure(options.generator, server, {
      url: server.ready.url,
      connections: options.connections,
      durationSeconds: options.soakSeconds,
      reconnect: false,
      chainToken: true,
      requests: [tokenPut, get, get, get]
    })
    clearInterval(timer)
    const warm = Math.min(samples.length - 1, Math.max(0, options.soakWarmupSeconds - 1))
    const rssAtWarmupMiB = median(samples.slice(warm, warm + 5))
    const growthMiB = median(samples.slice(Math.max(warm, samples.length - 5))) - rssAtWarmupMiB
    return { runtime, seconds: options.soakSeconds, load, rssSamplesMiB: samples, rssAtWarmupMiB, growthMiB }
  } finally {
    clearInterval(timer)
    await server.stop()
  }
}
