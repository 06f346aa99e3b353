// The Node listener's request-target rules, case by case: which targets and Host values pass through as they are (the
// hot path), which are normalised the way the WHATWG URL parser does (as the Hono adapter did), and which are refused
// (null: answer 400). `href` is the platform's own URL parser, the reference the adapter used.
import { describe, expect, it } from "vitest"
import { requestTarget } from "../src/data/RequestTarget.ts"
import { nodeTarget } from "../src/platform/nodeTarget.ts"

const href = (url: string) => new URL(url).href

describe("nodeTarget", () => {
  it("passes a plain origin-form target under a plain Host through unchanged", () => {
    for (const [target, host] of [
      ["/latest/meta-data/instance-id", "127.0.0.1:8100"],
      ["/ab", "localhost"],
      ["/latest/api/token?", "h"],
      ["/http://x", "h"],
      ["/x", "h:1000"],
      ["/x", "h:59999"],
      ["/x", "h:6000"],
      ["/x", "h:9999"]
    ] as const) {
      expect(nodeTarget(target, host), `${target} @ ${host}`).toBe(target)
    }
  })

  it("reads an empty target as the root", () => {
    expect(nodeTarget("", "h")).toBe("/")
  })

  it("resolves dot segments and escapes odd bytes as the URL parser does", () => {
    const cases = [
      ["/a/../b", "h"],
      ["/latest/./x", "h"],
      ["/a/..", "h"],
      ["/a/.", "h"],
      ["/a%2Fb", "h"],
      ["/a{b", "h"],
      ["/a?x\\y", "h"]
    ] as const
    for (const [target, host] of cases) expect(nodeTarget(target, host), target).toBe(href(`http://${host}${target}`))
  })

  it("takes an absolute-form target as it is once it parses, and refuses one that does not", () => {
    expect(nodeTarget("http://other/x/../y", "h")).toBe("http://other/y")
    expect(nodeTarget("https://other/y", "h")).toBe("https://other/y")
    expect(nodeTarget("http://[bad/x", "h")).toBeNull()
    expect(nodeTarget("ftp://other/x", "h")).toBeNull()
  })

  it("reads a backslash in the path as a slash, as the URL parser (and so Bun and app.fetch) does, and keeps one in the query", () => {
    expect(nodeTarget("/a\\b", "h")).toBe("http://h/a/b")
    expect(nodeTarget("/latest\\meta-data\\..\\user-data?x\\y", "h")).toBe("http://h/latest/user-data?x\\y")
    expect(nodeTarget("/a\\b", "Example.COM:8100")).toBe("http://example.com:8100/a/b")
    expect(nodeTarget("/a?x\\y", "Example.COM:8100")).toBe(href("http://Example.COM:8100/a?x\\y"))
    expect(nodeTarget("http://other\\x", "h")).toBe("http://other/x")
    for (const target of ["/a\\b", "/x/..\\y", "/a?b\\c"]) {
      expect(nodeTarget(target, "h"), target).toBe(new Request(`http://h${target}`).url)
    }
  })

  it("refuses a target that is not origin-form and a missing Host", () => {
    expect(nodeTarget("x", "h")).toBeNull()
    expect(nodeTarget("/x", "")).toBeNull()
  })

  it("normalises a Host that is not plain when it parses to itself, and refuses one that does not", () => {
    // "\u00aa" (ª, a Latin-1 byte a Host header can carry) is mapped to "a" by the parser: same length, other text.
    for (const host of ["Example.COM:8100", "Example.COM", "[::1]:8100", "h:80", "h:65000", "h:123", "\u00aa"]) {
      expect(nodeTarget("/x", host), host).toBe(href(`http://${host}/x`))
    }
    for (const host of ["a@b.c", "a b:8100", "h:99999"]) expect(nodeTarget("/x", host), host).toBeNull()
  })
})

describe("requestTarget", () => {
  it("reads an absolute URL without a path as the root of the metadata tree", () => {
    expect(requestTarget("http://100.100.100.200")).toEqual({ path: "/", query: "", kind: "metadata" })
  })

  it("tells the token paths apart from the tree by length and spelling", () => {
    expect(requestTarget("/2016-01-01/api/token/").kind).toBe("versioned-token")
    expect(requestTarget("/2016-01-01/API/Token").kind).toBe("versioned-token")
    expect(requestTarget("/Latest/Api/Token").kind).toBe("token")
    expect(requestTarget("/latest/api/tokens").kind).toBe("metadata")
    expect(requestTarget("/latest/api/toke").kind).toBe("metadata")
  })
})
