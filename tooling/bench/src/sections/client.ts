// The client SDK against the emulator (Node): 1,000 concurrent cold accessor calls must share one token PUT
// (single-flight), and a cached accessor call (token in hand) must cost less than 2× a raw fetch of the same path.
import { existsSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { fetchToken, tokenHeader } from "../scenarios.ts"
import { resetCounters, startServer, tokensIssued } from "../servers.ts"
import { median } from "../stats.ts"

export interface ClientResult {
  readonly available: boolean
  readonly coldCalls: number
  readonly tokenPuts: number
  readonly wrongAnswers: number
  readonly accessorUs: number
  readonly fetchUs: number
  /** accessorUs ÷ fetchUs */
  readonly ratio: number
}

const promiseFacade = fileURLToPath(import.meta.resolve("@aliyun-imds/client"))
const path = "/latest/meta-data/instance-id"

/** Mean microseconds per call over `n` sequential calls. */
const perCall = async (n: number, call: () => Promise<unknown>): Promise<number> => {
  const started = performance.now()
  for (let i = 0; i < n; i++) await call()
  return ((performance.now() - started) * 1000) / n
}

/** `samples` sequential calls of each kind per block, five blocks alternating the two; medians of the blocks. */
export const runClient = async (calls: number, samples: number): Promise<ClientResult> => {
  if (!existsSync(promiseFacade)) {
    return { available: false, coldCalls: 0, tokenPuts: 0, wrongAnswers: 0, accessorUs: 0, fetchUs: 0, ratio: 0 }
  }
  const { createImdsClient } = await import("@aliyun-imds/client")
  const server = await startServer("emulator-node")
  try {
    await resetCounters(server)
    const client = createImdsClient({ endpoint: server.ready.url, mode: "token" })
    const ids = await Promise.all(Array.from({ length: calls }, () => client.instanceId()))
    const tokenPuts = await tokensIssued(server)
    const wrongAnswers = ids.filter((id) => id !== server.ready.instanceId).length
    const token = await fetchToken(server.ready.url)
    const raw = () => fetch(`${server.ready.url}${path}`, { headers: { [tokenHeader]: token } }).then((r) => r.text())
    const accessor = () => client.instanceId()
    await perCall(samples, raw)
    await perCall(samples, accessor)
    const blocks: Array<[number, number]> = []
    for (let i = 0; i < 5; i++) blocks.push([await perCall(samples, accessor), await perCall(samples, raw)])
    const accessorUs = median(blocks.map(([a]) => a))
    const fetchUs = median(blocks.map(([, f]) => f))
    return {
      available: true,
      coldCalls: calls,
      tokenPuts,
      wrongAnswers,
      accessorUs,
      fetchUs,
      ratio: accessorUs / fetchUs
    }
  } finally {
    await server.stop()
  }
}
