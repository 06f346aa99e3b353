// Robustness of the metadata listener on real sockets: a table of malformed or hostile requests sent as raw bytes.
// Each gets a 4xx (or a clean close for bytes that are not HTTP), never a 5xx; afterwards the same server still
// answers normally. Unparsable requests must reach listenNode's clientError handler (its exact 400 reply).
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest"
import { type RunningServer, startServer } from "../src/startServer.ts"
import { firstBody, type RawOptions, rawExchange } from "./support/rawHttp.ts"

/** What listenNode's clientError handler writes; Node's own default differs (431 for big headers, no length). */
const clientErrorReply = "HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n"

const host = "Host: 127.0.0.1\r\n"
const ttl = "X-aliyun-ecs-metadata-token-ttl-seconds"
const idPath = "/latest/meta-data/instance-id"
const get = (target: string, headers = "") => `GET ${target} HTTP/1.1\r\n${host}${headers}Connection: close\r\n\r\n`
const putTtl = (value: string, headers = "") =>
  `PUT /latest/api/token HTTP/1.1\r\n${host}${ttl}: ${value}\r\n${headers}Content-Length: 0\r\nConnection: close\r\n\r\n`

type Expectation =
  /** listenNode's clientError reply, then the connection closes. */
  | "client-error"
  /** The connection closes without a byte (e.g. CONNECT with no tunnel handler). */
  | "closed"
  /** Exactly these statuses, in order. */
  | ReadonlyArray<number>

interface Row {
  readonly name: string
  /** The request bytes, given a valid token for rows that need one. */
  readonly bytes: (token: string) => string
  readonly expect: Expectation
  readonly body?: string
  readonly options?: RawOptions
}

const row = (
  name: string,
  bytes: Row["bytes"],
  expect: Expectation,
  extra: Pick<Row, "body" | "options"> = {}
): Row => ({ name, bytes, expect, ...extra })

const putRaw = (headers: string, body = "") => `PUT /latest/api/token HTTP/1.1\r\n${host}${headers}\r\n${body}`
const tokenLine = (value: string) => `X-aliyun-ecs-metadata-token: ${value}\r\n`
const once = { options: { endAfterWrite: true } }

const rows: ReadonlyArray<Row> = [
  // Oversized and malformed request lines.
  row("a header larger than 16 KB", () => get("/", `X-Big: ${"a".repeat(20_000)}\r\n`), "client-error"),
  row("a URL larger than 16 KB", () => get(`/latest/meta-data/${"a".repeat(20_000)}`), "client-error"),
  row("an unknown method FOO", () => get("/latest/meta-data/").replace("GET", "FOO"), "client-error"),
  row("an unknown method BREW", () => get("/latest/meta-data/").replace("GET", "BREW"), "client-error"),
  row("a lower-case method get", () => get("/latest/meta-data/").replace("GET", "get"), "client-error"),
  row("a 900-character method", () => get("/").replace("GET", "GET".repeat(300)), "client-error"),
  row("a known but unsupported method (TRACE)", () => get("/latest/meta-data/").replace("GET", "TRACE"), [405]),
  row("OPTIONS", () => get("/latest/meta-data/").replace("GET", "OPTIONS"), [405]),
  row("CONNECT (no tunnels here)", () => `CONNECT 127.0.0.1:80 HTTP/1.1\r\n${host}\r\n`, "closed"),
  row("an unknown HTTP version", () => `GET / HTTP/9.9\r\n${host}\r\n`, "client-error"),
  row("an HTTP/0.9 request line", () => "GET /latest/meta-data/instance-id\r\n", "client-error", once),
  row("TLS bytes on the plain port", () => "\x16\x03\x01\x00\xff\x01\x00\x00\xfb\x03\x03", "client-error"),
  // Paths: escapes, encoded separators, raw bytes.
  row("`..` climbing out of the tree", () => get("/latest/meta-data/../../../etc/passwd"), [404]),
  row("`%2e%2e` climbing out of the tree", () => get("/latest/%2e%2e/%2E%2E/etc/passwd"), [404]),
  row("an encoded slash %2F joining segments", () => get("/latest/meta-data%2Finstance-id"), [404]),
  row("an encoded slash inside a segment", () => get("/latest/meta-data/ram%2fsecurity-credentials/"), [404]),
  row("an invalid percent escape", () => get("/latest/meta-data/%zz"), [404]),
  row("an encoded NUL %00 in the path", () => get("/latest/meta-data/instance%00-id"), [404]),
  row("a raw NUL byte in the path", () => get("/latest/meta-data/inst\0ance-id"), "client-error"),
  row("a raw space in the path", () => get("/latest/meta data"), "client-error"),
  row("raw UTF-8 bytes in the path", () => get("/latest/meta-data/\xc3\xa9"), "client-error"),
  row(
    "a backslash in the path (a slash, as every way in reads it)",
    () => get("/latest\\meta-data/instance-id"),
    [200]
  ),
  row("an asterisk request target", () => get("*"), [400]),
  row("a target without the leading slash", () => get("latest/meta-data/"), "client-error"),
  // Headers.
  row("a NUL byte in a header value", () => get("/", "X-A: a\0b\r\n"), "client-error"),
  row("a control byte in a header value", () => get("/", "X-A: a\x01b\r\n"), "client-error"),
  row("a space inside a header name", () => get("/", "Bad Name: x\r\n"), "client-error"),
  row("a header line without a colon", () => get("/", "NoColon\r\n"), "client-error"),
  row("an obsolete folded header line", () => get("/", "X-A: a\r\n b\r\n"), "client-error"),
  row("bare LF line endings", () => "GET /latest/meta-data/ HTTP/1.1\nHost: x\n\n", "client-error"),
  row("bare CR line endings", () => "GET /latest/meta-data/ HTTP/1.1\rHost: x\r\r", "client-error"),
  row("HTTP/1.1 without Host", () => "GET /latest/meta-data/ HTTP/1.1\r\nConnection: close\r\n\r\n", [400]),
  row("an invalid Host header", () => get("/").replace(host, "Host: a@b\r\n"), [400]),
  // Token and TTL headers.
  row("the same valid token header twice", (t) => get(idPath, tokenLine(t) + tokenLine(t)), [401]),
  row("a 10 KB token", () => get(idPath, tokenLine("A".repeat(10_000))), [401]),
  row("a token of high bytes", () => get(idPath, tokenLine("\xff\xfe")), [401]),
  row("TTL 1e3", () => putTtl("1e3"), [400], { body: "Missing or Invalid Parameters" }),
  row("TTL -1", () => putTtl("-1"), [400]),
  row("TTL 0x10", () => putTtl("0x10"), [400]),
  row("an empty TTL", () => putTtl(""), [400]),
  row("a 5000-digit TTL", () => putTtl("9".repeat(5000)), [400]),
  row(
    "a 9 KB X-Forwarded-For on the PUT",
    () => putTtl("60", `X-Forwarded-For: ${"10.0.0.1, ".repeat(900)}\r\n`),
    [403]
  ),
  // Framing: lengths, encodings, truncation.
  row("an absurd Content-Length", () => putRaw("Content-Length: 99999999999999999999999\r\n"), "client-error"),
  row("a negative Content-Length", () => putRaw("Content-Length: -1\r\n"), "client-error"),
  row(
    "two different Content-Lengths",
    () => putRaw("Content-Length: 1\r\nContent-Length: 2\r\n", "ab"),
    "client-error"
  ),
  row(
    "Content-Length with chunked (smuggling)",
    () => putRaw("Content-Length: 1\r\nTransfer-Encoding: chunked\r\n", "0\r\n\r\n"),
    "client-error"
  ),
  row("an unknown Transfer-Encoding", () => putRaw(`${ttl}: 60\r\nTransfer-Encoding: gzip\r\n`), "client-error"),
  row("a truncated request, then close", () => "GET /latest/meta-da", "client-error", once),
  row("a truncated header block, then close", () => `GET / HTTP/1.1\r\n${host}X-A: b`, "client-error", once),
  // Legal but unusual: served normally.
  row("HTTP/1.0 without Host (served, then closed)", () => "GET /latest/meta-data/instance-id HTTP/1.0\r\n\r\n", [200]),
  row("a body on a GET", () => get(idPath, "Content-Length: 5\r\n").concat("hello"), [200]),
  row(
    "a chunked body on the PUT",
    () => putRaw(`${ttl}: 60\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n`, "3\r\nabc\r\n0\r\n\r\n"),
    [200]
  ),
  row(
    "three pipelined requests, answered in order",
    () =>
      `GET /latest/meta-data/region-id HTTP/1.1\r\n${host}\r\n${putTtl("abc").replace("Connection: close\r\n", "")}${get("/nope")}`,
    [200, 400, 404]
  ),
  row(
    "a 6 KB audience of invalid UTF-8 escapes",
    () => get(`/latest/dynamic/instance-identity/pkcs7?audience=${"%FF".repeat(2000)}`),
    [200]
  )
]

describe("malformed requests on a real socket", () => {
  let server: RunningServer
  let token: string | undefined
  const consoleError = vi.spyOn(console, "error")
  /** Minted by the first test that needs it (not in a hook, so the data plane's work belongs to a test). */
  const validToken = async (): Promise<string> => {
    if (token !== undefined) return token
    const res = await fetch(`${server.dataUrl}/latest/api/token`, { method: "PUT", headers: { [ttl]: "60" } })
    token = await res.text()
    return token
  }

  beforeAll(async () => {
    server = await startServer({ port: 0, adminPort: 0, logLevel: "silent" })
  })
  afterAll(async () => {
    consoleError.mockRestore()
    await server?.stop()
  })

  it.each(rows)("$name: never a 5xx", async (row) => {
    const reply = await rawExchange(server.port, row.bytes(await validToken()), { waitMs: 3000, ...row.options })
    expect(
      reply.statuses.every((s) => s < 500),
      reply.text.slice(0, 200)
    ).toBe(true)
    if (row.expect === "client-error") {
      expect(reply.text).toBe(clientErrorReply)
      expect(reply.closed).toBe(true)
    } else if (row.expect === "closed") {
      expect({ text: reply.text, closed: reply.closed }).toEqual({ text: "", closed: true })
    } else {
      expect(reply.statuses).toEqual(row.expect)
      expect(reply.closed, "every row asks for (or forces) a closed connection").toBe(true)
    }
    if (row.body !== undefined) expect(firstBody(reply.text)).toBe(row.body)
  })

  it("HTTP/1.0 gets Connection: close, and pipelined answers carry the right bodies", async () => {
    const old = await rawExchange(server.port, "GET /latest/meta-data/instance-id HTTP/1.0\r\n\r\n")
    expect(old.text).toMatch(/\r\nConnection: close\r\n/i)
    expect(firstBody(old.text)).toBe(server.defaultInstanceId)
    const piped = await rawExchange(
      server.port,
      `GET /latest/meta-data/instance-id HTTP/1.1\r\n${host}\r\nGET /latest/meta-data/instance-id HTTP/1.1\r\n${host}\r\n`,
      { responses: 2 }
    )
    expect(piped.statuses).toEqual([200, 200])
    expect(piped.text.split(`\r\n\r\n${server.defaultInstanceId}`)).toHaveLength(3)
  })

  it("after the whole table the server still answers, nothing was logged as a crash, and no 5xx was journaled", async () => {
    const res = await fetch(`${server.dataUrl}/latest/meta-data/instance-id`)
    expect(res.status).toBe(200)
    expect(await res.text()).toBe(server.defaultInstanceId)
    const withToken = await fetch(`${server.dataUrl}/latest/meta-data/instance-id`, {
      headers: { "X-aliyun-ecs-metadata-token": await validToken() }
    })
    expect(withToken.status).toBe(200)
    expect(consoleError).not.toHaveBeenCalled()
    const journal = await server.effectRuntime.runPromise(server.services.journal.query({ limit: 10_000 }))
    expect(journal.length).toBeGreaterThan(15)
    expect(journal.filter((e) => e.status >= 500)).toEqual([])
  })
})
