// Every status-code rule of the metadata listener (spec §10, design "Status codes"), run in-process under both
// HttpTokens modes: 400 bad TTL, 403 proxied PUT (before the TTL), 401 bad token, 403 token-less when required,
// 403 when the endpoint is disabled, 404 unknown path, 405 wrong method.
import { afterEach, beforeEach, describe, expect, it } from "vitest"
import {
  type HttpTokensMode,
  instanceA,
  outcome,
  peerB,
  putToken,
  read,
  setOptions,
  tokenPath,
  twoInstanceFleet
} from "./support/dataPlane.ts"
import { type Harness, makeHarness } from "./support/harness.ts"

const instanceIdPath = "/latest/meta-data/instance-id"
const badTtls = ["0", "21601", "abc", "1.5", "-1", "1e3", "0x10", "", "+5", "21600.0", "99999999999999999999"]

/** Flips one character inside the MAC (not the last, whose low bits may be padding), keeping the length. */
const tamper = (token: string): string => {
  const i = token.length - 10
  return token.slice(0, i) + (token[i] === "A" ? "B" : "A") + token.slice(i + 1)
}

describe.each<HttpTokensMode>(["optional", "required"])("status codes with HttpTokens=%s", (mode) => {
  let h: Harness

  beforeEach(async () => {
    // Two instances, so a token can come from a neighbour; the default peer (127.0.0.1) is instance A.
    h = await makeHarness({ fleet: await twoInstanceFleet("default") })
    await setOptions(h, { HttpTokens: mode })
  })
  afterEach(() => h.dispose())

  describe("token PUT", () => {
    it.each(badTtls)("a TTL of %j is refused with 400 and no token", async (ttl) => {
      expect(await outcome(await putToken(h, ttl))).toEqual({ status: 400, body: "Missing or Invalid Parameters" })
    })

    it("a PUT without the TTL header is refused with 400", async () => {
      expect((await putToken(h, null)).status).toBe(400)
    })

    it.each(["1", "60", "21600", "00060"])("a TTL of %j issues a token", async (ttl) => {
      const res = await putToken(h, ttl)
      expect(res.status).toBe(200)
      expect(await res.text()).toMatch(/^[A-Za-z0-9_-]{40,256}$/)
    })

    it("X-Forwarded-For on the PUT is refused with 403 even with a valid TTL", async () => {
      expect(await outcome(await putToken(h, "60", { "X-Forwarded-For": "10.0.0.1" }))).toEqual({
        status: 403,
        body: "Forbidden"
      })
    })

    it("X-Forwarded-For is checked before the TTL: a proxied PUT with a bad or missing TTL is 403, not 400", async () => {
      expect((await putToken(h, "abc", { "X-Forwarded-For": "10.0.0.1" })).status).toBe(403)
      expect((await putToken(h, null, { "x-forwarded-for": "10.0.0.1" })).status).toBe(403)
    })

    it("the TTL header name matches in any case, as Node, Go and the others each spell it", async () => {
      for (const name of [
        "x-aliyun-ecs-metadata-token-ttl-seconds",
        "X-Aliyun-Ecs-Metadata-Token-Ttl-Seconds",
        "X-aliyun-ecs-metadata-token-ttl-seconds"
      ]) {
        expect((await h.request(tokenPath, { method: "PUT", headers: { [name]: "60" } })).status).toBe(200)
      }
    })

    it("GET, HEAD and POST on the token path are 405 with Allow: PUT", async () => {
      for (const method of ["GET", "HEAD", "POST", "DELETE"]) {
        const res = await h.request(tokenPath, { method })
        expect(res.status, method).toBe(405)
        expect(res.headers.get("allow")).toBe("PUT")
        await res.text()
      }
    })

    it("a PUT on the versioned token path is not a token endpoint (404)", async () => {
      expect((await putToken(h, "60", {}, undefined, "/2016-01-01/api/token")).status).toBe(404)
    })
  })

  describe("token checks on reads", () => {
    it.each([
      ["the documentation's example 'aaa'", () => "aaa"],
      ["a tampered MAC", (t: string) => tamper(t)],
      ["a truncated token", (t: string) => t.slice(0, -4)],
      ["a token with a suffix", (t: string) => `${t}AAAA`],
      ["a 4 KB token", () => "A".repeat(4096)]
    ])("%s is refused with 401", async (_label, make) => {
      const token = make(await h.token(60))
      expect(await outcome(await read(h, instanceIdPath, token))).toEqual({ status: 401, body: "Unauthorized" })
    })

    it("a valid token reads the tree", async () => {
      expect(await outcome(await read(h, instanceIdPath, await h.token(60)))).toEqual({ status: 200, body: instanceA })
    })

    it("a token expires exactly at its TTL on the virtual clock (401 from then on)", async () => {
      await h.run(h.services.clock.freeze)
      const token = await h.token(60)
      await h.run(h.services.clock.advance(59_999))
      expect((await read(h, instanceIdPath, token)).status).toBe(200)
      await h.run(h.services.clock.advance(1))
      expect((await read(h, instanceIdPath, token)).status).toBe(401)
    })

    it("a token issued to another instance is refused with 401", async () => {
      const neighbours = await h.token(21600, peerB)
      expect((await read(h, instanceIdPath, neighbours, {}, peerB)).status).toBe(200)
      expect((await read(h, instanceIdPath, neighbours)).status).toBe(401)
    })

    it("a token signed by another emulator (another key) is refused with 401", async () => {
      const other = await makeHarness({ fleet: await twoInstanceFleet("default") })
      const foreign = await other.token(60).finally(() => other.dispose())
      expect((await read(h, instanceIdPath, foreign)).status).toBe(401)
    })

    it("revoking every key turns outstanding tokens into 401", async () => {
      const token = await h.token(60)
      await h.run(h.services.tokens.revokeAll)
      expect((await read(h, instanceIdPath, token)).status).toBe(401)
    })

    it("a token from /latest/api/token works on /2016-01-01 paths", async () => {
      const token = await h.token(60)
      expect(await outcome(await read(h, "/2016-01-01/meta-data/instance-id", token))).toEqual({
        status: 200,
        body: instanceA
      })
    })

    it("an invalid token is checked before the path: 401 even for an unknown path", async () => {
      expect((await read(h, "/latest/meta-data/no-such-item", "aaa")).status).toBe(401)
    })
  })

  describe("normal (token-less) reads and paths", () => {
    const tokenless = mode === "optional" ? { status: 200, body: instanceA } : { status: 403, body: "Forbidden" }

    it(`a token-less read is ${tokenless.status}`, async () => {
      expect(await outcome(await read(h, instanceIdPath))).toEqual(tokenless)
    })

    it("a token-less read of the 2016-01-01 tree follows the same rule", async () => {
      expect((await read(h, "/2016-01-01/meta-data/instance-id")).status).toBe(tokenless.status)
    })

    it("an unknown path is 404 with a valid token", async () => {
      const token = await h.token(60)
      for (const path of ["/latest/meta-data/no-such-item", "/latest/nope", "/nope", "/2017-01-01/meta-data/"]) {
        expect(await outcome(await read(h, path, token)), path).toEqual({ status: 404, body: "Not Found" })
      }
    })

    it(`an unknown path without a token is ${mode === "optional" ? 404 : 403}`, async () => {
      expect((await read(h, "/latest/meta-data/no-such-item")).status).toBe(mode === "optional" ? 404 : 403)
    })

    it("PUT, POST and DELETE on a metadata path are 405 with Allow: GET, HEAD", async () => {
      const token = await h.token(60)
      for (const method of ["PUT", "POST", "DELETE", "PATCH"]) {
        const res = await read(h, instanceIdPath, token, { method })
        expect(res.status, method).toBe(405)
        expect(res.headers.get("allow")).toBe("GET, HEAD")
        await res.text()
      }
    })
  })

  describe("HttpEndpoint=disabled", () => {
    it("refuses every request with 403, the token PUT and valid tokens included", async () => {
      const token = await h.token(60)
      await setOptions(h, { HttpEndpoint: "disabled" })
      const attempts: ReadonlyArray<[string, () => Promise<Response>]> = [
        ["PUT valid TTL", () => putToken(h, "60")],
        ["PUT bad TTL", () => putToken(h, "abc")],
        ["PUT proxied", () => putToken(h, "60", { "X-Forwarded-For": "10.0.0.1" })],
        ["PUT versioned token path", () => putToken(h, "60", {}, undefined, "/2016-01-01/api/token")],
        ["GET token path", () => h.request(tokenPath)],
        ["GET token-less", () => read(h, instanceIdPath)],
        ["GET valid token", () => read(h, instanceIdPath, token)],
        ["GET invalid token", () => read(h, instanceIdPath, "aaa")],
        ["GET unknown path", () => read(h, "/latest/nope", token)],
        ["GET root", () => read(h, "/")]
      ]
      for (const [label, attempt] of attempts) {
        expect(await outcome(await attempt()), label).toEqual({ status: 403, body: "Forbidden" })
      }
    })

    it("re-enabling the endpoint restores service, and tokens issued before still work", async () => {
      const token = await h.token(60)
      await setOptions(h, { HttpEndpoint: "disabled" })
      await setOptions(h, { HttpEndpoint: "enabled" })
      expect((await read(h, instanceIdPath, token)).status).toBe(200)
    })

    it("only the disabled instance is refused; its neighbour keeps answering", async () => {
      await setOptions(h, { HttpEndpoint: "disabled" })
      const neighbours = await h.token(60, peerB)
      expect((await read(h, instanceIdPath, neighbours, {}, peerB)).status).toBe(200)
    })
  })
})
