// A bounded fuzz run over raw loopback sockets against the Node and the Bun server, each in its own process: seeded,
// generated malformed HTTP/1.1 — odd request lines, header names and values with control bytes, duplicated and
// conflicting Host, Content-Length/Transfer-Encoding, X-Forwarded-For and token headers, absurd lengths, pipelining,
// split writes and early closes. Count- and time-limited (FUZZ_RUNS, FC_SCALE; FC_SEED picks the inputs). It checks:
// - no 5xx from our code: every answer the data plane wrote carries the run's `Server` marker, and none is a 5xx
//   (nor does the journal hold one); answers without the marker come from the runtime's HTTP parser (or the Node
//   listener's own 400 for bytes it cannot parse), and only the statuses documented below are accepted from it;
// - no crash: the process is still running and wrote nothing to stderr;
// - after every case, a valid request on a new connection answers 200 with the instance id;
// - memory stays bounded: the process's resident set grows by less than a generous bound over the whole run;
// - side by side, Node and Bun give the same answer to the same well-formed request.
import { readFileSync } from "node:fs"
import { connect } from "node:net"
import { checkAsyncProperty } from "@aliyun-imds/vitest-config/property"
import fc from "fast-check"
import { afterAll, assert, beforeAll, describe, it } from "vitest"
import { type RuntimeName, type SpawnedServer, spawnServer } from "./support/spawn.ts"

const marker = "aliyun-imds-fuzz"
const ttlName = "X-aliyun-ecs-metadata-token-ttl-seconds"
const tokenName = "X-aliyun-ecs-metadata-token"

/**
 * What each runtime's own HTTP parser (or the listener's clientError handler and its refusal of a target it cannot
 * read) answers, without our marker. Both runtimes serve through the same node:http listener (on Bun, its node:http),
 * so both answer 400 for anything they cannot parse (the listener answers 400 where Node's default would send 431 or
 * 413), and send the interim 100 Continue to `Expect: 100-continue` themselves. Also in CONTRIBUTING.md, "Testing".
 */
const runtimeAnswers: Readonly<Record<RuntimeName, ReadonlySet<number>>> = {
  node: new Set([100, 400]),
  bun: new Set([100, 400])
}

const runs = Number(process.env.FUZZ_RUNS ?? 150)
/** Generous: a leak of a few kilobytes per request would still pass; one of the connections or bodies would not. */
const rssGrowthLimitMb = 96

// --- generated requests -----------------------------------------------------------------------------------------------

const crlf = fc.oneof(
  { weight: 30, arbitrary: fc.constant("\r\n") },
  { weight: 1, arbitrary: fc.constantFrom("\n", "\r", "\r\r\n") }
)
const controlByte = fc.constantFrom(..."\x00\x01\x07\x08\x0b\x0c\x1b\x7f\xff\t\r\n")
const oddText = fc.string({
  unit: fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(..."aZ09-_.:;/\\?#%@ \"'") },
    { weight: 1, arbitrary: controlByte }
  ),
  maxLength: 12
})

const method = fc.oneof(
  { weight: 16, arbitrary: fc.constantFrom("GET", "PUT", "HEAD") },
  { weight: 2, arbitrary: fc.constantFrom("POST", "DELETE", "OPTIONS", "TRACE", "PATCH", "get", "Put", "FOO", "") },
  {
    weight: 1,
    arbitrary: fc.tuple(fc.constantFrom("GET", "PUT"), controlByte).map(([m, c]) => m.slice(0, 1) + c + m.slice(1))
  },
  { weight: 1, arbitrary: fc.integer({ min: 2, max: 400 }).map((n) => "GET".repeat(n)) }
)

const path = fc.oneof(
  {
    weight: 12,
    arbitrary: fc.constantFrom(
      "/latest/meta-data/instance-id",
      "/latest/api/token",
      "/latest/api/token?",
      "/2016-01-01/api/token",
      "/latest/meta-data/",
      "/latest/meta-data/ram/security-credentials/",
      "/latest/dynamic/instance-identity/document",
      "/latest/dynamic/instance-identity/pkcs7?audience=x",
      "/latest/user-data",
      "/_emulator/health",
      "/",
      "*",
      "http://100.100.100.200/latest/meta-data/instance-id",
      "/latest\\meta-data\\..\\user-data",
      "/%6Catest/api/%74oken",
      "/latest/meta-data/%2e%2e/%2e%2e/x"
    )
  },
  {
    weight: 2,
    arbitrary: fc.tuple(fc.constantFrom("/latest/meta-data/", "/latest/", "/"), oddText).map(([a, b]) => a + b)
  },
  { weight: 1, arbitrary: fc.integer({ min: 100, max: 70_000 }).map((n) => `/latest/meta-data/${"a".repeat(n)}`) }
)

const version = fc.oneof(
  { weight: 24, arbitrary: fc.constant("HTTP/1.1") },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      "HTTP/1.0",
      "HTTP/2.0",
      "HTTP/1.2",
      "HTTP/1.",
      "HTTP/1.1 ",
      "http/1.1",
      "",
      "HTTP/1.1\x00",
      "HTTP/0.9"
    )
  }
)

const requestLine = fc.oneof(
  { weight: 24, arbitrary: fc.tuple(method, path, version).map(([m, p, v]) => `${m} ${p} ${v}`) },
  { weight: 1, arbitrary: fc.tuple(method, path, version).map(([m, p, v]) => `${m}  ${p}\t${v}`) },
  { weight: 1, arbitrary: oddText }
)

const token = fc.oneof(
  { weight: 4, arbitrary: fc.constant("{token}") },
  { weight: 2, arbitrary: fc.constantFrom("", "aaa", "{token}x", "{token}{token}", " {token} ", "{token}, {token}") },
  { weight: 1, arbitrary: fc.integer({ min: 300, max: 20_000 }).map((n) => "A".repeat(n)) }
)
const ttl = fc.oneof(
  fc.constantFrom("60", "21600", "0", "21601", "-1", "1e3", "0x10", "", " 60", "60,60"),
  fc.integer().map(String)
)
const contentLength = fc.oneof(
  fc.nat(8).map(String),
  fc.constantFrom("-1", "99999999999999999999999", "1 1", "+1", "0x1", "", "1,1", " 3")
)

type Header = readonly [name: string, value: string]
const header: fc.Arbitrary<Header> = fc.oneof(
  {
    weight: 2,
    arbitrary: fc.constantFrom<Header>(
      ["Host", "127.0.0.1"],
      ["Host", "100.100.100.200"],
      ["Host", "a@b"],
      ["Host", ""],
      ["Host", "[::1]:99999"]
    )
  },
  { weight: 4, arbitrary: ttl.map((v): Header => [ttlName, v]) },
  { weight: 4, arbitrary: token.map((v): Header => [tokenName, v]) },
  {
    weight: 2,
    arbitrary: fc.constantFrom<Header>(
      ["X-Forwarded-For", "10.0.0.1"],
      ["x-forwarded-for", ""],
      ["X-Forwarded-For", "1.1.1.1, 2.2.2.2"]
    )
  },
  { weight: 1, arbitrary: contentLength.map((v): Header => ["Content-Length", v]) },
  {
    weight: 1,
    arbitrary: fc.constantFrom<Header>(
      ["Transfer-Encoding", "chunked"],
      ["Transfer-Encoding", "gzip"],
      ["Transfer-Encoding", "chunked, chunked"],
      ["Transfer-Encoding", " chunked"],
      ["transfer-encoding", "xchunked"]
    )
  },
  {
    weight: 3,
    arbitrary: fc.constantFrom<Header>(
      ["Connection", "close"],
      ["Connection", "keep-alive"],
      ["Connection", "upgrade"],
      ["Upgrade", "websocket"],
      ["Upgrade", "h2c"],
      ["Expect", "100-continue"],
      ["User-Agent", "fuzz"]
    )
  },
  { weight: 1, arbitrary: fc.tuple(oddText, oddText).map(([n, v]): Header => [n, v]) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom("X-A", "Host", tokenName), fc.integer({ min: 1000, max: 100_000 }))
      .map(([n, len]): Header => [n, "v".repeat(len)])
  }
)

const body = fc.oneof(
  { weight: 12, arbitrary: fc.constant("") },
  { weight: 2, arbitrary: fc.string({ maxLength: 10 }) },
  {
    weight: 2,
    arbitrary: fc.constantFrom("0\r\n\r\n", "3\r\nabc\r\n0\r\n\r\n", "zz\r\n", "ffffffffffffffff\r\n", "3\r\nab")
  }
)

interface Raw {
  readonly bytes: string
}

const request: fc.Arbitrary<Raw> = fc
  .record({
    line: requestLine,
    eol: crlf,
    host: fc.oneof({ weight: 6, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
    headers: fc.array(header, { maxLength: 5 }),
    many: fc.oneof(
      { weight: 12, arbitrary: fc.constant(null) },
      { weight: 1, arbitrary: fc.integer({ min: 50, max: 300 }) }
    ),
    folded: fc.oneof({ weight: 10, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
    body
  })
  .map(({ line, eol, host, headers, many, folded, body }) => {
    const lines = [...(host ? ["Host: 127.0.0.1"] : []), ...headers.map(([n, v]) => `${n}: ${v}`)]
    if (many !== null) for (let i = 0; i < many; i++) lines.push(`X-Many-${i}: ${i}`)
    if (folded && lines.length > 0) lines.push(" folded continuation")
    return {
      bytes: `${line}${eol}${lines.map((l) => l + eol).join("")}${eol}${body}`
    }
  })

/** What one connection does: its requests (pipelined in one go, or split across writes), then how it ends. */
interface Case {
  readonly requests: ReadonlyArray<Raw>
  readonly split: ReadonlyArray<number>
  readonly ending: "half-close" | "wait" | "abort-early"
}

const aCase: fc.Arbitrary<Case> = fc.record({
  requests: fc.array(request, { minLength: 1, maxLength: 3 }),
  split: fc.array(fc.nat(400), { maxLength: 3 }),
  ending: fc.constantFrom("half-close" as const, "half-close" as const, "wait" as const, "abort-early" as const)
})

// --- raw exchange -----------------------------------------------------------------------------------------------------

interface Seen {
  readonly status: number
  readonly ours: boolean
}

/** Every response head in what came back: its status and whether our data plane wrote it (the marker). */
const responsesIn = (text: string): ReadonlyArray<Seen> => {
  const out: Array<Seen> = []
  for (const m of text.matchAll(/HTTP\/1\.[01] (\d{3})[^\r\n]*\r\n/g)) {
    const end = text.indexOf("\r\n\r\n", m.index)
    const head = text.slice(m.index, end === -1 ? undefined : end + 2).toLowerCase()
    out.push({ status: Number(m[1]), ours: head.includes(`\r\nserver: ${marker}\r\n`) })
  }
  return out
}

/**
 * Plays one case on a fresh loopback connection; resolves with the bytes received once the server closes it, has been
 * quiet for a moment after answering, or `capMs` has passed (a request the server still waits on never answers).
 */
const play = (port: number, c: Case, tokenValue: string, capMs = 500): Promise<string> =>
  new Promise((resolve) => {
    const socket = connect({ port, host: "127.0.0.1" })
    const chunks: Array<Buffer> = []
    let idle: ReturnType<typeof setTimeout> | undefined
    const finish = () => {
      clearTimeout(idle)
      clearTimeout(cap)
      socket.destroy()
      resolve(Buffer.concat(chunks).toString("latin1"))
    }
    const cap = setTimeout(finish, capMs)
    const quiet = () => {
      clearTimeout(idle)
      idle = setTimeout(finish, 80)
    }
    socket.on("data", (chunk) => {
      chunks.push(chunk)
      quiet()
    })
    socket.on("error", () => {})
    socket.on("close", finish)
    const bytes = Buffer.from(c.requests.map((r) => r.bytes.replaceAll("{token}", tokenValue)).join(""), "latin1")
    socket.once("connect", () => {
      let at = 0
      for (const cut of c.split) {
        const end = Math.min(bytes.length, at + cut)
        socket.write(bytes.subarray(at, end))
        at = end
      }
      if (c.ending === "abort-early") {
        socket.write(bytes.subarray(at, at + Math.floor((bytes.length - at) / 2)))
        socket.destroy()
        return
      }
      socket.write(bytes.subarray(at))
      if (c.ending === "half-close") socket.end()
    })
  })

/** A plain valid request on its own connection. */
const valid = async (port: number): Promise<{ status: number; body: string }> => {
  const res = await fetch(`http://127.0.0.1:${port}/latest/meta-data/instance-id`, {
    signal: AbortSignal.timeout(5000)
  })
  return { status: res.status, body: await res.text() }
}

const rssMb = (pid: number): number | null => {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))
    return m === null ? null : Number(m[1]) / 1024
  } catch {
    return null
  }
}

// --- the run ------------------------------------------------------------------------------------------------------------

const runtimes: ReadonlyArray<RuntimeName> = ["node", "bun"]
const servers = new Map<RuntimeName, SpawnedServer>()

beforeAll(async () => {
  const options = { logLevel: "silent", behaviour: { serverHeader: marker } }
  for (const runtime of runtimes) servers.set(runtime, await spawnServer(runtime, { options }))
})
afterAll(async () => {
  for (const server of servers.values()) await server.stop()
})

/** Well-formed requests (which both parsers take) whose answer is the data plane's alone. */
const wellFormed = fc.record({
  method: fc.constantFrom("GET", "HEAD", "PUT", "POST", "DELETE"),
  path: fc.oneof(
    path.filter((p) => p.length < 200 && /^[\x21-\x7e]+$/.test(p)),
    fc
      .tuple(
        fc.constantFrom("/latest/", "/2016-01-01/", "/LATEST/", "/"),
        fc.array(
          fc.oneof(
            fc.constantFrom("meta-data", "Meta-Data", "api", "token", "ram", "security-credentials", "..", ".", "%2e"),
            fc.string({ unit: fc.constantFrom(..."aZ09-_.~!$&'()*+,;=:@%\\"), maxLength: 6 })
          ),
          { maxLength: 4 }
        ),
        fc.constantFrom("", "/", "?", "?a=%41")
      )
      .map(([root, segments, tail]) => root + segments.join("/") + tail)
  ),
  headers: fc.array(
    fc.oneof(
      ttl.map((v): Header => [ttlName, v]),
      fc.constantFrom("{token}", "aaa", "", "{token}x").map((v): Header => [tokenName, v]),
      fc.constantFrom<Header>(["X-Forwarded-For", "10.0.0.1"], ["User-Agent", "fuzz"])
    ),
    { maxLength: 3 }
  )
})

describe("Node and Bun, side by side", () => {
  it("answer every well-formed request with the same status from our code", async () => {
    const node = servers.get("node")!
    const bun = servers.get("bun")!
    const mint = async (s: SpawnedServer) =>
      (await fetch(`${s.dataUrl}/latest/api/token`, { method: "PUT", headers: { [ttlName]: "21600" } })).text()
    const tokens = new Map([
      [node, await mint(node)],
      [bun, await mint(bun)]
    ])
    const statusOn = async (s: SpawnedServer, r: typeof wellFormed extends fc.Arbitrary<infer R> ? R : never) => {
      const lines = r.headers.map(([n, v]) => `${n}: ${v.replaceAll("{token}", tokens.get(s)!)}\r\n`).join("")
      const bytes = `${r.method} ${r.path} HTTP/1.1\r\nHost: 127.0.0.1\r\n${lines}Connection: close\r\n\r\n`
      const text = await play(s.port, { requests: [{ bytes }], split: [], ending: "wait" }, "", 5000)
      return responsesIn(text).map((seen) => `${seen.ours ? "ours" : "runtime"} ${seen.status}`)
    }
    await checkAsyncProperty(
      fc.asyncProperty(wellFormed, async (r) => {
        const [onNode, onBun] = await Promise.all([statusOn(node, r), statusOn(bun, r)])
        assert.deepStrictEqual(onNode, onBun, `${r.method} ${r.path} ${JSON.stringify(r.headers)}`)
      }),
      { runs, timeLimitMs: 15_000 }
    )
  }, 60_000)
})

describe.each(runtimes)("the %s server under generated malformed HTTP/1.1", (runtime) => {
  it("never answers 5xx from our code, never crashes, keeps answering and keeps its memory", async () => {
    const server = servers.get(runtime)!
    const pid = server.child.pid!
    const token = await (
      await fetch(`${server.dataUrl}/latest/api/token`, { method: "PUT", headers: { [ttlName]: "21600" } })
    ).text()
    // Warm up before the first reading, so the baseline includes what any first request allocates.
    for (let i = 0; i < 20; i++) assert.strictEqual((await valid(server.port)).status, 200)
    const before = rssMb(pid)
    const counts = new Map<string, number>()
    let cases = 0
    await checkAsyncProperty(
      fc.asyncProperty(fc.array(aCase, { minLength: 1, maxLength: 4 }), async (batch) => {
        const replies = await Promise.all(batch.map((c) => play(server.port, c, token)))
        for (const [i, text] of replies.entries()) {
          const shown = JSON.stringify(batch[i]!.requests.map((r) => r.bytes.slice(0, 300)))
          for (const seen of responsesIn(text)) {
            const key = `${seen.ours ? "ours" : runtime} ${seen.status}`
            counts.set(key, (counts.get(key) ?? 0) + 1)
            if (seen.ours) assert.isBelow(seen.status, 500, `our code answered ${seen.status} to ${shown}`)
            else
              assert.isTrue(runtimeAnswers[runtime].has(seen.status), `${runtime} answered ${seen.status} to ${shown}`)
          }
        }
        cases += batch.length
        assert.isNull(server.child.exitCode, `the ${runtime} server exited`)
        assert.deepStrictEqual(await valid(server.port), { status: 200, body: server.defaultInstanceId })
      }),
      { runs, timeLimitMs: 25_000 }
    )
    const after = rssMb(pid)
    const journal = (await (await fetch(`${server.adminUrl}/v1/journal?limit=10000`)).json()) as {
      entries: ReadonlyArray<{ status: number }>
    }
    const summary = [...counts]
      .sort()
      .map(([k, n]) => `${k}×${n}`)
      .join(", ")
    console.log(
      `fuzz ${runtime}: ${cases} connections, ${journal.entries.length} journaled; answers: ${summary}; ` +
        `RSS ${before?.toFixed(0)} → ${after?.toFixed(0)} MB`
    )
    assert.deepStrictEqual(
      journal.entries.filter((e) => e.status >= 500),
      []
    )
    assert.strictEqual(server.output().stderr, "", `the ${runtime} server wrote to stderr`)
    if (before !== null && after !== null) assert.isBelow(after - before, rssGrowthLimitMb, "RSS growth in MB")
  }, 60_000)
})
