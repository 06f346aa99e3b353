// Memory under token issuance: tokens are sealed and stateless, so issuing a million of them must not grow the
// server. RSS is read after a warm-up batch and again after the rest; the admin counters confirm the count.
import { measure } from "../measure.ts"
import type { BenchOptions } from "../options.ts"
import { usageOf } from "../proc.ts"
import { tokenPut } from "../scenarios.ts"
import { emulatorOn, type Runtime, type Server, startServer, tokensIssued } from "../servers.ts"
import { mib } from "../stats.ts"

export interface TokenMemory {
  readonly runtime: Runtime
  readonly issued: number
  readonly rssAfterWarmupMiB: number
  readonly rssAfterMiB: number
  readonly growthMiB: number
  readonly rps: number
  readonly errors: number
  readonly statusErrors: number
}

interface Issued {
  readonly seconds: number
  readonly errors: number
  readonly statusErrors: number
}

/**
 * Issues tokens over keep-alive connections until the server's counter reaches `count`, in runs sized from the rate
 * seen so far (wrk has no request-count limit), so it overshoots by at most a fraction of a run.
 */
const issueUntil = async (options: BenchOptions, server: Server, count: number): Promise<Issued> => {
  let issued = await tokensIssued(server)
  let seconds = 0
  let errors = 0
  let statusErrors = 0
  let rate = 0
  // At least one run, so a warm-up that overshoots the count still leaves a measured stretch after it.
  do {
    const chunk = rate === 0 ? 1 : Math.min(30, Math.max(1, Math.ceil((count - issued) / rate)))
    const load = await measure(options.generator, server, {
      url: server.ready.url,
      connections: options.connections,
      durationSeconds: chunk,
      reconnect: false,
      requests: [tokenPut]
    })
    const now = await tokensIssued(server)
    if (now === issued) throw new Error(`no token issued in ${chunk} s (${load.errors} errors)`)
    rate = (now - issued) / chunk
    issued = now
    seconds += chunk
    errors += load.errors
    statusErrors += load.statusErrors
  } while (issued < count)
  return { seconds, errors, statusErrors }
}

export const runTokenMemory = async (options: BenchOptions, runtime: Runtime): Promise<TokenMemory> => {
  const server = await startServer(emulatorOn(runtime))
  try {
    const warm = await issueUntil(options, server, options.tokenWarmup)
    const warmIssued = await tokensIssued(server)
    const before = usageOf(server.pid).rssBytes
    const rest = await issueUntil(options, server, options.tokens)
    const after = usageOf(server.pid).rssBytes
    const issued = await tokensIssued(server)
    return {
      runtime,
      issued,
      rssAfterWarmupMiB: mib(before),
      rssAfterMiB: mib(after),
      growthMiB: mib(after - before),
      rps: (issued - warmIssued) / rest.seconds,
      errors: warm.errors + rest.errors,
      statusErrors: warm.statusErrors + rest.statusErrors
    }
  } finally {
    await server.stop()
  }
}
