// The admin listener against web pages (crossSite.ts): a cross-site request — a form or a text/plain fetch, which
// need no CORS preflight — is refused before it changes anything, and so is a request addressed by a domain name
// when there is no admin token (DNS rebinding); the console's own same-origin requests and programs still work.
import { afterEach, assert, beforeEach, describe, it } from "vitest"
import { hostOf, isAddressHost, isSameOrigin } from "../src/admin/crossSite.ts"
import { type Harness, makeHarness } from "./support/harness.ts"

let h: Harness
beforeEach(async () => {
  h = await makeHarness()
})
afterEach(() => h.dispose())

const advance = (headers: Record<string, string>) =>
  h.admin.request("/v1/clock/advance", { method: "POST", headers, body: JSON.stringify({ by: "1h" }) })
const offsetMs = async () => (await h.adminJson("GET", "/v1/clock")).json.offsetMs as number

describe("the admin listener and web pages", () => {
  it("refuses a text/plain POST from another origin with 403 and changes nothing", async () => {
    const res = await advance({ origin: "https://evil.example", host: "127.0.0.1:8101", "content-type": "text/plain" })
    assert.strictEqual(res.status, 403)
    const body = (await res.json()) as { Code: string; Message: string }
    assert.strictEqual(body.Code, "Forbidden.CrossOrigin")
    assert.include(body.Message, "https://evil.example")
    assert.strictEqual(await offsetMs(), 0)
  })

  it("refuses another port on the same host, an opaque origin and a malformed one", async () => {
    for (const origin of ["http://127.0.0.1:3000", "null", "not a url", "file://"]) {
      const res = await advance({ origin, host: "127.0.0.1:8101" })
      assert.strictEqual(res.status, 403, origin)
    }
    assert.strictEqual(await offsetMs(), 0)
  })

  it("answers the console's own same-origin requests, and programs that send no Origin", async () => {
    assert.strictEqual((await advance({ origin: "http://127.0.0.1:8101", host: "127.0.0.1:8101" })).status, 200)
    assert.strictEqual((await advance({ origin: "http://[::1]:8101", host: "[::1]:8101" })).status, 200)
    assert.strictEqual((await advance({ host: "127.0.0.1:8101" })).status, 200)
    assert.strictEqual(await offsetMs(), 3 * 3_600_000)
  })

  it("without an admin token, refuses a request addressed by a domain name (DNS rebinding), even same-origin", async () => {
    const res = await h.admin.request("/v1/journal", {
      headers: { host: "rebind.evil.example:8101", origin: "http://rebind.evil.example:8101" }
    })
    assert.strictEqual(res.status, 403)
    const body = (await res.json()) as { Code: string; Message: string }
    assert.strictEqual(body.Code, "Forbidden.HostName")
    assert.include(body.Message, "--admin-token")
    assert.strictEqual((await h.admin.request("/", { headers: { host: "rebind.evil.example:8101" } })).status, 403)
    assert.strictEqual((await h.admin.request("/v1/journal", { headers: { host: "localhost:8101" } })).status, 200)
  })

  it("with an admin token, answers a domain name (a container's service name) given the token", async () => {
    const guarded = await makeHarness({ adminToken: "s3cret" })
    try {
      const res = await guarded.admin.request("/v1/journal", {
        headers: { host: "imds:8101", authorization: "Bearer s3cret" }
      })
      assert.strictEqual(res.status, 200)
      const crossSite = await guarded.admin.request("/v1/journal", {
        headers: { host: "imds:8101", origin: "http://app:3000", authorization: "Bearer s3cret" }
      })
      assert.strictEqual(crossSite.status, 403)
    } finally {
      await guarded.dispose()
    }
  })
})

describe("host and origin rules", () => {
  it("reads the name of a Host header", () => {
    assert.deepStrictEqual(["127.0.0.1:8101", "[::1]:8101", "[::1]", "LocalHost:1", "example"].map(hostOf), [
      "127.0.0.1",
      "::1",
      "::1",
      "localhost",
      "example"
    ])
  })
  it("takes IP literals and localhost names as addresses, domain names not", () => {
    for (const host of ["127.0.0.1:8101", "10.0.0.5", "[::1]:8101", "localhost", "app.localhost:1"]) {
      assert.isTrue(isAddressHost(host), host)
    }
    for (const host of ["evil.example", "127.0.0.1.nip.io:8101", "localhost.evil.example", "1.2.3"]) {
      assert.isFalse(isAddressHost(host), host)
    }
  })
  it("matches an origin to the listener by scheme-less host and port", () => {
    assert.isTrue(isSameOrigin("http://127.0.0.1:8101", "127.0.0.1:8101"))
    assert.isTrue(isSameOrigin("http://localhost", "localhost:80"))
    assert.isFalse(isSameOrigin("http://127.0.0.1:8102", "127.0.0.1:8101"))
    assert.isFalse(isSameOrigin("http://127.0.0.1:8101", undefined))
    assert.isFalse(isSameOrigin("ftp://127.0.0.1:8101", "127.0.0.1:8101"))
  })
})
