// The request line: one structured line per metadata request, at `debug` (so the default `info` does not flood), with
// method, path, status, mode, instance, peer, reason and duration; in JSON or as one human-readable line.
import { describe, expect, it } from "vitest"
import { type LogFormat, type LogLevel, makeLogger } from "../src/Log.ts"
import { read, setOptions } from "./support/dataPlane.ts"
import { makeHarness } from "./support/harness.ts"

const id = "/latest/meta-data/instance-id"
const peer = { address: "127.0.0.7", port: 40_007 }

/** A harness logging at `level` in `format`, and the lines it wrote. */
const logged = async (level: LogLevel, format: LogFormat = "json") => {
  const lines: Array<string> = []
  const h = await makeHarness({ log: { level, format, sink: (line) => lines.push(line) } })
  return { h, lines, json: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>) }
}

const requestLines = (lines: ReadonlyArray<Record<string, unknown>>) => lines.filter((l) => l.message === "request")

describe("the request line", () => {
  it("a 200 normal read: method, path, status, mode normal, instance, peer, no reason, a duration", async () => {
    const { h, json } = await logged("debug")
    await read(h, `${id}?x=1`, undefined, {}, peer)
    const [line] = requestLines(json())
    expect(Object.keys(line!)).toEqual([
      "time",
      "level",
      "message",
      "method",
      "path",
      "status",
      "mode",
      "instanceId",
      "peer",
      "reason",
      "durationMs"
    ])
    expect(line).toMatchObject({
      level: "debug",
      method: "GET",
      path: `${id}?x=1`,
      status: 200,
      mode: "normal",
      instanceId: h.instanceId,
      peer: "127.0.0.7",
      reason: null
    })
    expect(line!.durationMs).toBeTypeOf("number")
    expect(line!.durationMs as number).toBeGreaterThanOrEqual(0)
    await h.dispose()
  })

  it("a 200 token read has mode token; the token PUT before it has mode none", async () => {
    const { h, json } = await logged("debug")
    await read(h, id, await h.token(60, peer), {}, peer)
    expect(requestLines(json()).map((l) => [l.method, l.path, l.status, l.mode, l.reason])).toEqual([
      ["PUT", "/latest/api/token", 200, "none", null],
      ["GET", id, 200, "token", null]
    ])
    await h.dispose()
  })

  it("a 401 names its reason", async () => {
    const { h, json } = await logged("debug")
    await read(h, id, "not-a-token", {}, peer)
    expect(requestLines(json())).toMatchObject([
      { method: "GET", path: id, status: 401, mode: "token", instanceId: h.instanceId, reason: "TokenMalformed" }
    ])
    await h.dispose()
  })

  it("a token-less read under HttpTokens=required is a 403 with reason TokenRequired", async () => {
    const { h, json } = await logged("debug")
    await setOptions(h, { HttpTokens: "required" })
    await read(h, id, undefined, {}, peer)
    expect(requestLines(json())).toMatchObject([
      { method: "GET", path: id, status: 403, mode: "normal", peer: "127.0.0.7", reason: "TokenRequired" }
    ])
    await h.dispose()
  })

  it("is written at debug only: info, the default, and the levels above it leave it out", async () => {
    for (const [level, count] of [
      ["debug", 1],
      ["info", 0],
      ["warn", 0],
      ["silent", 0]
    ] as const) {
      const { h, json } = await logged(level)
      await read(h, id)
      expect(requestLines(json()).length, level).toBe(count)
      await h.dispose()
    }
  })

  it("in the human format is one readable line, null fields left out", async () => {
    const { h, lines } = await logged("debug", "human")
    await setOptions(h, { HttpTokens: "required" })
    await read(h, id, undefined, {}, peer)
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatch(
      new RegExp(
        String.raw`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z DEBUG request method=GET path=/latest/meta-data/instance-id ` +
          String.raw`status=403 mode=normal instanceId=${h.instanceId} peer=127\.0\.0\.7 reason=TokenRequired ` +
          String.raw`durationMs=\d+(\.\d{1,3})?$`
      )
    )
    await h.dispose()
  })
})

describe("the human format", () => {
  it("puts the virtual time after the wall time, quotes values with spaces, and rounds fractions", () => {
    const lines: Array<string> = []
    const wall = Date.UTC(2026, 11, 4, 8, 0, 0)
    const log = makeLogger(
      "info",
      (l) => lines.push(l),
      () => wall + 86_400_000,
      { format: "human", wallNow: () => wall }
    )
    log.log("warn", "address bindings overlap", { outer: "127.0.0.0/24", detail: "a b", n: 1.23456, gone: null })
    log.log("debug", "below the level")
    expect(lines).toEqual([
      '2026-12-04T08:00:00.000Z virtual=2026-12-05T08:00:00.000Z WARN  address bindings overlap outer=127.0.0.0/24 detail="a b" n=1.235'
    ])
  })
})
