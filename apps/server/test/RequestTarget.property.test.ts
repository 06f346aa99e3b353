// Properties of request-target resolution, from the raw target a client sends to the answer: how the target is split
// and routed (RequestTarget.ts), that the Node listener (platform/nodeTarget.ts) sees every target as the Fetch-based
// ways in (in-process app.fetch, Bun, msw) do, that no dot segment survives, and that spellings RFC 3986 and the spec
// call the same — static segments in any case (spec §15), percent-encoded unreserved characters (RFC 3986 §6.2.2.2),
// resolved dot segments, a trailing slash, a query — get the same answer.
import { defaultFleet } from "@aliyun-imds/core"
import { checkAsyncProperty, checkProperty } from "@aliyun-imds/vitest-config/property"
import fc from "fast-check"
import { afterAll, assert, beforeAll, describe, it } from "vitest"
import { Holds } from "../src/data/Holds.ts"
import type { MetadataReply, Pipeline } from "../src/data/MetadataRequest.ts"
import { makePipeline } from "../src/data/Pipeline.ts"
import { requestTarget } from "../src/data/RequestTarget.ts"
import { makeLogger } from "../src/Log.ts"
import { nodeTarget } from "../src/platform/nodeTarget.ts"
import { defaultBehaviour } from "../src/ServerOptions.ts"
import { buildServices, type Runtime } from "../src/Services.ts"
import { unreservedDecoded } from "./support/matrix/oracle.ts"

const host = "100.100.100.200"

// --- models ---------------------------------------------------------------------------------------------------------

const asciiLower = (s: string) => s.replace(/[A-Z]/g, (c) => c.toLowerCase())

/** Spec §2/§10 and the design: the token path in any case, one trailing slash tolerated, the query ignored. */
const kindOf = (path: string): "token" | "versioned-token" | "metadata" => {
  const p = asciiLower(path).replace(/(.)\/$/, "$1")
  return p === "/latest/api/token" ? "token" : p === "/2016-01-01/api/token" ? "versioned-token" : "metadata"
}

/** The path a Fetch-based way in routes on: the URL the runtime's Request carries. */
const fetchView = (target: string) => requestTarget(new Request(`http://${host}${target}`).url)

/** The Node listener's view of the same target, or null when it refuses it (400). */
const nodeView = (target: string) => {
  const url = nodeTarget(target, host)
  return url === null ? null : requestTarget(url)
}

const isDotSegment = (segment: string) => {
  const decoded = segment.replace(/%2e/gi, ".")
  return decoded === "." || decoded === ".."
}

// --- arbitraries ----------------------------------------------------------------------------------------------------

const segment = fc.oneof(
  fc.constantFrom("latest", "LATEST", "Latest", "2016-01-01", "api", "API", "token", "Token", "tokens", "meta-data"),
  fc.constantFrom("", ".", "..", "%2e", "%2E%2e", ".%2e", "%2F", "%41", "%7e", "%zz", "%", "a;b", "a#b", "a\\b", "\\"),
  fc.string({ unit: fc.constantFrom(..."abcXYZ019-._~!$&'()*+,;=:@%[]{}|^`\"<>"), maxLength: 6 })
)
/** Origin-form targets a client can put on a request line: visible ASCII, no blanks. */
const originForm = fc
  .tuple(
    fc.array(segment, { maxLength: 6 }),
    fc.boolean(),
    fc.option(fc.string({ unit: fc.constantFrom(..."ab=&?#/%\\.2e"), maxLength: 6 }), { nil: null })
  )
  .map(([segments, slash, query]) => `/${segments.join("/")}${slash ? "/" : ""}${query === null ? "" : `?${query}`}`)

describe("the request target, as a property", () => {
  it("splits path from query at the first `?` and routes the token paths in any ASCII case", () => {
    const absolute = fc.tuple(fc.constantFrom("http://h", "http://127.0.0.1:8100", "https://[::1]:80"), originForm)
    checkProperty(
      fc.property(
        fc.oneof(
          originForm,
          absolute.map(([o, t]) => `${o}${t}`)
        ),
        (url) => {
          const seen = requestTarget(url)
          const rest = url.startsWith("/") ? url : url.slice(url.indexOf("/", url.indexOf("//") + 2))
          const q = rest.indexOf("?")
          const path = unreservedDecoded(q === -1 ? rest : rest.slice(0, q))
          assert.deepStrictEqual(seen, { path, query: q === -1 ? "" : rest.slice(q + 1), kind: kindOf(path) })
        }
      ),
      { runs: 2000 }
    )
  })

  it("shows the Node listener every target as the Fetch-based ways in see it, with no dot segment left", () => {
    checkProperty(
      fc.property(originForm, (target) => {
        const node = nodeView(target)
        const fetched = fetchView(target)
        assert.deepStrictEqual(node, fetched, target)
        assert.isTrue(fetched.path.startsWith("/"), fetched.path)
        // A `#` stays in the path on every way in (so the tree answers 404); dot segments after it are not resolved.
        const segments = fetched.path.split("#")[0]!.split("/").slice(1)
        assert.isFalse(segments.some(isDotSegment), `${target} routes on ${fetched.path}`)
      }),
      { runs: 2000 }
    )
  })
})

// --- the same answer for every spelling of a path -------------------------------------------------------------------

let runtime: Runtime
let pipeline: Pipeline

beforeAll(async () => {
  const built = await buildServices({ fleet: defaultFleet("props") })
  runtime = built.runtime
  await runtime.runPromise(built.services.clock.freeze)
  const log = makeLogger("silent", () => {}, built.services.clock.nowUnsafe)
  pipeline = makePipeline({ services: built.services, behaviour: defaultBehaviour, log, holds: new Holds() })
})
afterAll(() => runtime?.dispose())

interface Answer {
  readonly status: number
  readonly body: string
}

const signal = new AbortController().signal

/** One request through the pipeline, its URL as the Node listener or a Fetch-based way in hands it over. */
const ask = async (method: string, target: string, way: "node" | "fetch", ttl?: string): Promise<Answer> => {
  const url = way === "node" ? nodeTarget(target, host) : new Request(`http://${host}${target}`).url
  if (url === null) return { status: 400, body: "" }
  const reply: MetadataReply = await pipeline.handle({
    method,
    target: url,
    peer: { address: "127.0.0.1", port: 40_000 },
    header: (name) => (name === "x-aliyun-ecs-metadata-token-ttl-seconds" ? (ttl ?? null) : null),
    signal
  })
  if (reply._tag === "Drop") return { status: 0, body: "" }
  const body = typeof reply.body === "string" ? reply.body : Buffer.from(reply.body).toString("latin1")
  // A token is fresh each time; what matters is that one was issued.
  return { status: reply.status, body: method === "PUT" && reply.status === 200 ? "(token)" : body }
}

/**
 * Every path of the default instance's tree under /latest, by following the listings (where directories end in `/`;
 * the version root lists its trees without one).
 */
const crawl = async (): Promise<ReadonlyArray<string>> => {
  const found = new Set<string>()
  const queue = ["/latest/", "/latest/meta-data/", "/latest/dynamic/", "/latest/maintenance/"]
  while (queue.length > 0) {
    const path = queue.shift()!
    if (found.has(path)) continue
    found.add(path)
    if (!path.endsWith("/")) continue
    const listing = await ask("GET", path, "fetch")
    if (listing.status !== 200) continue
    for (const entry of listing.body.split("\n")) if (entry !== "") queue.push(`${path}${entry}`)
  }
  return [...found]
}

/** Children of these are data (a MAC, a disk serial, a key or role name, a tag key): their case is theirs. */
const dataParents = new Set(["macs", "disks", "public-keys", "security-credentials", "instance"])
const unreserved = /[A-Za-z0-9._~-]/

interface Spelling {
  readonly caseFlips: ReadonlyArray<boolean>
  readonly encode: ReadonlyArray<number>
  readonly upperHex: boolean
  readonly detour: "none" | "dot" | "dotdot" | "encoded"
  readonly detourAt: number
  readonly trailingSlash: boolean
  readonly query: "" | "?" | "?x=1"
}

const spelling: fc.Arbitrary<Spelling> = fc.record({
  caseFlips: fc.array(fc.boolean(), { maxLength: 40 }),
  encode: fc.array(fc.nat(60), { maxLength: 3 }),
  upperHex: fc.boolean(),
  detour: fc.constantFrom("none" as const, "dot" as const, "dotdot" as const, "encoded" as const),
  detourAt: fc.nat(),
  trailingSlash: fc.boolean(),
  query: fc.constantFrom("" as const, "?" as const, "?x=1" as const)
})

/** Another spelling of `path` that must name the same thing. */
const respell = (path: string, s: Spelling): string => {
  const segments = path.split("/").slice(1)
  const directory = segments.at(-1) === ""
  if (directory) segments.pop()
  let letter = 0
  const spelled = segments.map((seg, i) => {
    if (i > 0 && dataParents.has(segments[i - 1]!.toLowerCase())) return seg
    return seg.replace(/[A-Za-z]/g, (c) =>
      s.caseFlips[letter++ % Math.max(1, s.caseFlips.length)] ? c.toUpperCase() : c
    )
  })
  // Percent-encode a few unreserved characters anywhere (data segments too).
  let flat = spelled.join("/")
  for (const at of s.encode) {
    const i = at % Math.max(1, flat.length)
    const c = flat[i]
    if (c === undefined || !unreserved.test(c) || flat[i - 1] === "%" || flat[i - 2] === "%") continue
    const hex = c.charCodeAt(0).toString(16).padStart(2, "0")
    flat = `${flat.slice(0, i)}%${s.upperHex ? hex.toUpperCase() : hex}${flat.slice(i + 1)}`
  }
  const parts = flat.split("/")
  const at = 1 + (s.detourAt % parts.length)
  if (s.detour === "dot") parts.splice(at, 0, ".")
  if (s.detour === "dotdot") parts.splice(at, 0, "zz", "..")
  if (s.detour === "encoded") parts.splice(at, 0, "zz", "%2E%2e")
  const slash = directory || s.trailingSlash ? "/" : ""
  return `/${parts.join("/")}${slash}${s.query}`
}

describe("the answer to every spelling of a path, as a property", () => {
  it("is the same for any case of static segments, encoded unreserved characters, dot segments, slash and query", async () => {
    const paths = await crawl()
    assert.isAbove(paths.length, 40)
    const answers = new Map<string, Answer>()
    for (const path of paths) answers.set(path, await ask("GET", path, "fetch"))
    await checkAsyncProperty(
      fc.asyncProperty(
        fc.constantFrom(...paths),
        spelling,
        fc.constantFrom("node" as const, "fetch" as const),
        async (path, s, way) => {
          const variant = respell(path, s)
          assert.deepStrictEqual(await ask("GET", variant, way), answers.get(path), `${way}: ${variant} (for ${path})`)
        }
      ),
      { runs: 600 }
    )
  })

  it("issues a token on a PUT to any spelling of the token path", async () => {
    await checkAsyncProperty(
      fc.asyncProperty(spelling, fc.constantFrom("node" as const, "fetch" as const), async (s, way) => {
        const variant = respell("/latest/api/token", s)
        assert.deepStrictEqual(
          await ask("PUT", variant, way, "60"),
          { status: 200, body: "(token)" },
          `${way}: ${variant}`
        )
      }),
      { runs: 300 }
    )
  })
})
