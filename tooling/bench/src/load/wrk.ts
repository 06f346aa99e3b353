// wrk (C, one thread) as the load generator: far cheaper per request than autocannon, so a fast server is not
// measured against a saturated client. The requests and the JSON summary are a generated Lua script.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { connect } from "node:net"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { runToEnd } from "../proc.ts"
import { type LoadResult, type LoadSpec, type RequestSpec, tokenHeader } from "./spec.ts"

const lua = (text: string): string => JSON.stringify(text) // a JSON string literal is a valid Lua string here

const formatRequest = (r: RequestSpec, reconnect: boolean): string => {
  const headers = { ...r.headers, ...(reconnect ? { connection: "close" } : {}) }
  const pairs = Object.entries(headers).map(([k, v]) => `[${lua(k)}] = ${lua(v)}`)
  return `wrk.format(${lua(r.method)}, ${lua(r.path)}, { ${pairs.join(", ")} })`
}

/**
 * With `chainToken`, a reply that looks like a token (a long base64url body) becomes the token header of later GETs.
 * It needs wrk's per-response hook, which costs, so only then is it set.
 */
const responseHook = (spec: LoadSpec): string =>
  spec.chainToken !== true
    ? ""
    : `
response = function(status, headers, body)
  if status == 200 and #body >= 64 and not body:find("[^%w_-]") then token = body end
end`

const script = (spec: LoadSpec): string => `
local requests = {}
local n = 0
local chain = ${spec.chainToken === true}
local token = ${lua(spec.requests.find((r) => r.headers[tokenHeader] !== undefined)?.headers[tokenHeader] ?? "")}
local gets = {}
init = function(args)
${spec.requests.map((r, i) => `  requests[${i + 1}] = ${formatRequest(r, spec.reconnect)}\n  gets[${i + 1}] = ${lua(r.method === "GET" ? r.path : "")}`).join("\n")}
end
request = function()
  n = n % #requests + 1
  if chain and gets[n] ~= "" then
    return wrk.format("GET", gets[n], { [${lua(tokenHeader)}] = token${spec.reconnect ? ', ["connection"] = "close"' : ""} })
  end
  return requests[n]
end
${responseHook(spec)}
done = function(s, latency, _)
  local e = s.errors
  io.write(string.format('{"requests":%d,"us":%d,"p50":%d,"p99":%d,"read":%d,"other":%d,"status":%d}\\n',
    s.requests, s.duration, latency:percentile(50), latency:percentile(99),
    e.read, e.connect + e.write + e.timeout, e.status))
end
`

interface WrkSummary {
  readonly requests: number
  readonly us: number
  readonly p50: number
  readonly p99: number
  readonly read: number
  readonly other: number
  readonly status: number
}

/**
 * Whether the server says `Connection: close` when it closes after a reply. Bun does not: wrk then counts each
 * close as a read error after a complete response, so exactly one read error per response is not a failure.
 */
const announcesClose = (url: string): Promise<boolean> =>
  new Promise((resolve, reject) => {
    const { hostname, port, host } = new URL(url)
    const socket = connect({ host: hostname, port: Number(port) }, () =>
      socket.write(`GET / HTTP/1.1\r\nhost: ${host}\r\nconnection: close\r\n\r\n`)
    )
    let head = ""
    socket.setTimeout(5000, () => socket.destroy(new Error(`no reply from ${url}`)))
    socket.on("data", (chunk: Buffer) => (head += chunk.toString("latin1")))
    socket.on("close", () => resolve(/\r\nconnection: *close\r\n/i.test(head)))
    socket.on("error", reject)
  })

export const runWrk = async (spec: LoadSpec): Promise<LoadResult> => {
  const dir = mkdtempSync(join(tmpdir(), "imds-bench-"))
  try {
    const file = join(dir, "load.lua")
    writeFileSync(file, script(spec))
    const args = ["-t1", `-c${spec.connections}`, `-d${spec.durationSeconds}s`, "--timeout", "5s", "-s", file, spec.url]
    const out = await runToEnd("wrk", args)
    const line = out.split("\n").find((l) => l.startsWith("{"))
    if (line === undefined) throw new Error(`wrk printed no summary:\n${out}`)
    const s = JSON.parse(line) as WrkSummary
    const closeErrors = spec.reconnect && !(await announcesClose(spec.url)) ? Math.min(s.read, s.requests) : 0
    return {
      requestsPerSecond: s.requests / (s.us / 1e6),
      p50Ms: s.p50 / 1000,
      p99Ms: s.p99 / 1000,
      requests: s.requests,
      errors: s.read - closeErrors + s.other + s.status,
      statusErrors: s.status
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
