// The web console on the admin listener: its files at `/` and `/assets/…`, open without the admin token (the page asks
// for it), kept to this origin by their headers; a page saying how to build them when they are missing.
import { mkdir, mkdtemp, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterEach, describe, expect, it } from "vitest"
import { readConsoleFiles } from "../src/platform/consoleFiles.ts"
import { type Harness, makeHarness } from "./support/harness.ts"

const files = new Map([
  ["/index.html", new TextEncoder().encode("<!doctype html><title>console</title>")],
  ["/assets/index-abc123.js", new TextEncoder().encode("console.log(1)")]
])

let h: Harness | undefined
afterEach(() => h?.dispose())

describe("the web console", () => {
  it("is served at / without the admin token, with headers that keep it to this origin", async () => {
    h = await makeHarness({ consoleFiles: files, adminToken: "s3cret" })
    const page = await h.admin.request("/")
    expect(page.status).toBe(200)
    expect(page.headers.get("content-type")).toBe("text/html; charset=utf-8")
    expect(page.headers.get("content-security-policy")).toContain("default-src 'self'")
    expect(page.headers.get("content-security-policy")).toContain("frame-ancestors 'none'")
    expect(await page.text()).toContain("<title>console</title>")
    const script = await h.admin.request("/assets/index-abc123.js")
    expect(script.headers.get("content-type")).toBe("text/javascript; charset=utf-8")
    expect(script.headers.get("cache-control")).toContain("immutable")
    expect((await h.admin.request("/assets/nope.js")).status).toBe(404)
    expect((await h.admin.request("/v1/info")).status).toBe(401)
  })

  it("says how to build it when its files are missing, and the API still answers", async () => {
    h = await makeHarness()
    const page = await h.admin.request("/")
    expect(page.status).toBe(404)
    expect(await page.text()).toContain("pnpm --filter @aliyun-imds/console build")
    expect((await h.admin.request("/v1/info")).status).toBe(200)
  })

  it("reads a built folder into memory by URL path, and nothing from a folder without index.html", async () => {
    const dir = await mkdtemp(join(tmpdir(), "console-"))
    await mkdir(join(dir, "assets"))
    await writeFile(join(dir, "index.html"), "<p>hi</p>")
    await writeFile(join(dir, "assets", "a.css"), "p{}")
    const read = await readConsoleFiles(dir)
    expect([...(read?.keys() ?? [])].sort()).toEqual(["/assets/a.css", "/index.html"])
    expect(await readConsoleFiles(join(dir, "assets"))).toBeNull()
  })
})
