// How the data plane reads the request target out of the URL each runtime hands it: absolute URLs from
// @hono/node-server and `app.request`, and the bare origin-form path Bun gives when a request has no usable Host.
import { describe, expect, it } from "vitest"
import { requestTarget } from "../src/data/RequestTarget.ts"
import { rawExchange } from "./support/rawHttp.ts"
import { spawnServer } from "./support/spawn.ts"

describe("requestTarget", () => {
  it.each([
    ["http://127.0.0.1:8100/latest/meta-data/instance-id", "/latest/meta-data/instance-id", ""],
    ["http://localhost/latest/api/token?", "/latest/api/token", ""],
    [
      "http://[::1]:80/latest/dynamic/instance-identity/pkcs7?audience=a%2Fb",
      "/latest/dynamic/instance-identity/pkcs7",
      "audience=a%2Fb"
    ],
    ["/latest/meta-data/instance-id", "/latest/meta-data/instance-id", ""],
    ["/latest/api/token?x=1", "/latest/api/token", "x=1"],
    ["/", "/", ""],
    ["http://127.0.0.1:8100", "/", ""]
  ])("%s has path %s and query %j", (url, path, query) => {
    expect(requestTarget(url)).toMatchObject({ path, query })
  })

  it.each([
    ["/%6Catest/API/%74oken", "/latest/API/token", "token"],
    ["/%32016-01-01/api/token/", "/2016-01-01/api/token/", "versioned-token"],
    ["/l%61test/meta%2Ddata/%5Fx%7e%7E%41%5a%30%39", "/latest/meta-data/_x~~AZ09", "metadata"],
    ["/latest/%2e%2E/%2F%00%25%20%3A%C3%A9", "/latest/%2e%2E/%2F%00%25%20%3A%C3%A9", "metadata"],
    ["/%6Catest/meta-data/%zz", "/%6Catest/meta-data/%zz", "metadata"],
    ["/%6Catest/%2%41", "/%6Catest/%2%41", "metadata"],
    ["/latest/%6", "/latest/%6", "metadata"]
  ])("%s routes as %s: only valid escapes of letters, digits, -, _ and ~ are decoded", (url, path, kind) => {
    expect(requestTarget(url)).toEqual({ path, query: "", kind })
    expect(requestTarget(`http://h${url}?a=%41`)).toEqual({ path, query: "a=%41", kind })
  })

  it("classifies the token paths case-insensitively, with or without a trailing slash, in both URL forms", () => {
    expect(requestTarget("http://h/latest/api/token").kind).toBe("token")
    expect(requestTarget("/LATEST/API/TOKEN/").kind).toBe("token")
    expect(requestTarget("/2016-01-01/api/token").kind).toBe("versioned-token")
    expect(requestTarget("/latest/api/tokens").kind).toBe("metadata")
  })
})

describe("a Host-less HTTP/1.0 request on Bun", () => {
  it("is served from the path it asked for (Bun passes the target without an origin)", async () => {
    const server = await spawnServer("bun", { args: ["--log-level", "silent"] })
    try {
      const reply = await rawExchange(server.port, "GET /latest/meta-data/instance-id HTTP/1.0\r\n\r\n")
      expect(reply.statuses).toEqual([200])
      expect(reply.text.endsWith(`\r\n\r\n${server.defaultInstanceId}`)).toBe(true)
      const put = await rawExchange(
        server.port,
        "PUT /latest/api/token HTTP/1.0\r\nX-aliyun-ecs-metadata-token-ttl-seconds: 60\r\n\r\n"
      )
      expect(put.statuses).toEqual([200])
    } finally {
      await server.stop()
    }
  })
})
