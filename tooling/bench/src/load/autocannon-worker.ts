// Child process that runs autocannon once (so it can be pinned to its own core) and prints a JSON summary.
import autocannon from "autocannon"
import { type LoadResult, type LoadSpec, type RequestSpec, tokenHeader } from "./spec.ts"

const spec = JSON.parse(process.argv[2] ?? "{}") as LoadSpec
interface Context {
  token?: string
}

/** With `chainToken`, each connection keeps the token its last PUT returned and presents it on its GETs. */
const toRequest = (r: RequestSpec): autocannon.Request => {
  const base = { method: r.method, path: r.path, headers: { ...r.headers } }
  if (spec.chainToken !== true) return base
  if (r.method === "PUT") {
    return {
      ...base,
      onResponse: (status: number, body: string, context: Context) => {
        if (status === 200) context.token = body
      }
    } as autocannon.Request
  }
  return {
    ...base,
    setupRequest: (request: autocannon.Request, context: Context) => ({
      ...request,
      headers: { ...request.headers, ...(context.token === undefined ? {} : { [tokenHeader]: context.token }) }
    })
  } as autocannon.Request
}

const result = await autocannon({
  url: spec.url,
  connections: spec.connections,
  duration: spec.durationSeconds,
  ...(spec.reconnect ? { reconnectRate: 1 } : {}),
  requests: spec.requests.map(toRequest),
  timeout: 5
})
const seconds = (result.finish.getTime() - result.start.getTime()) / 1000
const summary: LoadResult = {
  requestsPerSecond: result.requests.total / seconds,
  p50Ms: result.latency.p50,
  p99Ms: result.latency.p99,
  requests: result.requests.total,
  errors: result.errors + result.timeouts + result.non2xx,
  statusErrors: result.non2xx
}
process.stdout.write(`${JSON.stringify(summary)}\n`)
