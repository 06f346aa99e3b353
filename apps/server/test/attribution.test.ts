// Process attribution end to end on real loopback sockets: the emulator in this process (the Node listener) journals
// the process at the other end of each connection — a Python client it did not start, or this test process — as the
// --attribute policy says, and counts why an entry has none, in the counters and in Prometheus /metrics.
import { realpathSync } from "node:fs"
import http from "node:http"
import type { JournalEntry } from "@aliyun-imds/core"
import { afterEach, describe, expect, it } from "vitest"
import type { AttributePolicy } from "../src/ServerOptions.ts"
import { type RunningServer, startServer } from "../src/startServer.ts"
import { read } from "./support/dataPlane.ts"
import { makeHarness } from "./support/harness.ts"
import { rawRequest } from "./support/http.ts"
import { runPython, urllibGet } from "./support/python.ts"

const idPath = "/latest/meta-data/instance-id"
const ttlHeader = "X-aliyun-ecs-metadata-token-ttl-seconds"
const tokenHeader = "X-aliyun-ecs-metadata-token"

let server: RunningServer | undefined
afterEach(async () => {
  await server?.stop()
  server = undefined
})

const serve = async (attribute?: AttributePolicy): Promise<RunningServer> => {
  server = await startServer({ logLevel: "silent", ...(attribute === undefined ? {} : { attribute }) })
  return server
}

const journal = (s: RunningServer): Promise<ReadonlyArray<JournalEntry>> =>
  s.effectRuntime.runPromise(s.services.journal.query({ limit: 1000 }))

const missed = async (s: RunningServer) =>
  (await s.effectRuntime.runPromise(s.services.counters.snapshot(s.defaultInstanceId))).instances[s.defaultInstanceId]!
    .processMissed

/** This test process, as /proc shows it: the client of every request the test itself sends. */
const self = { pid: process.pid, ppid: process.ppid, exe: realpathSync(process.execPath) }

/** A token PUT, then reads with and without the token, each on a connection of its own. */
const putAndRead = async (s: RunningServer) => {
  const put = await rawRequest(`${s.dataUrl}/latest/api/token`, { method: "PUT", headers: { [ttlHeader]: "60" } })
  const withToken = await rawRequest(`${s.dataUrl}${idPath}`, { headers: { [tokenHeader]: put.text } })
  const without = await rawRequest(`${s.dataUrl}${idPath}`)
  expect([put.status, withToken.status, without.status]).toEqual([200, 200, 200])
  return journal(s)
}

const whoAndMode = (entries: ReadonlyArray<JournalEntry>) =>
  entries.map((e) => [e.method, e.mode, e.process?.pid ?? null, e.processMiss])

describe("process attribution on a loopback listener", () => {
  it("journals a Python client's pid, parent, executable and command line", async () => {
    const s = await serve()
    const url = `${s.dataUrl}${idPath}`

    const python = await runPython(urllibGet(url))

    expect([python.code, python.stdout, python.stderr]).toEqual([0, s.defaultInstanceId, ""])
    const [entry] = await journal(s)
    expect([entry?.mode, entry?.status, entry?.processMiss]).toEqual(["normal", 200, null])
    expect(entry?.process?.pid).toBe(python.pid)
    expect(entry?.process?.ppid).toBe(process.pid)
    expect(entry?.process?.exe).toMatch(/\/python[\d.]*$/)
    expect(entry?.process?.cmdline).toMatch(/python[\d.]* -c import urllib\.request; /)
    expect(entry?.process?.cmdline).toContain(url)
  })

  it("by default (normal) names the caller of token-less reads only, never of token-mode ones", async () => {
    const s = await serve()

    const entries = await putAndRead(s)

    expect(whoAndMode(entries)).toEqual([
      ["PUT", "none", null, "off"],
      ["GET", "token", null, "off"],
      ["GET", "normal", self.pid, null]
    ])
    expect(entries[2]?.process).toEqual({ pid: self.pid, ppid: self.ppid, exe: self.exe, cmdline: expect.any(String) })
  })

  it("with all names the caller of token-mode requests too", async () => {
    const s = await serve("all")

    const entries = await putAndRead(s)

    expect(whoAndMode(entries)).toEqual([
      ["PUT", "none", self.pid, null],
      ["GET", "token", self.pid, null],
      ["GET", "normal", self.pid, null]
    ])
  })

  it("with off names no caller, and journals and counts every request as off", async () => {
    const s = await serve("off")

    const entries = await putAndRead(s)

    expect(whoAndMode(entries)).toEqual([
      ["PUT", "none", null, "off"],
      ["GET", "token", null, "off"],
      ["GET", "normal", null, "off"]
    ])
    expect(await missed(s)).toEqual({ off: 3, unsupported: 0, remote: 0, "not-found": 0, denied: 0 })
    const metrics = await (await fetch(`${s.adminUrl}/metrics`)).text()
    const label = `instance_id="${s.defaultInstanceId}"`
    expect(metrics).toContain(`aliyun_imds_process_missed_total{${label},reason="off"} 3\n`)
    expect(metrics).toContain(`aliyun_imds_process_missed_total{${label},reason="not-found"} 0\n`)
  })

  it("counts no miss for a request whose caller was found", async () => {
    const s = await serve()

    await rawRequest(`${s.dataUrl}${idPath}`)

    expect(await missed(s)).toEqual({ off: 0, unsupported: 0, remote: 0, "not-found": 0, denied: 0 })
  })

  it("looks a keep-alive connection up once: its requests share one answer, a new connection gets its own", async () => {
    const s = await serve()
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 })
    try {
      for (let i = 0; i < 3; i++) expect((await rawRequest(`${s.dataUrl}${idPath}`, { agent })).status).toBe(200)
      expect((await rawRequest(`${s.dataUrl}${idPath}`)).status).toBe(200)
    } finally {
      agent.destroy()
    }

    const [a, b, c, fresh] = await journal(s)
    expect(new Set([a, b, c].map((e) => e?.peerPort)).size).toBe(1)
    expect(a?.process?.pid).toBe(self.pid)
    expect(b?.process).toBe(a?.process)
    expect(c?.process).toBe(a?.process)
    expect(fresh?.process).toEqual(a?.process)
    expect(fresh?.process).not.toBe(a?.process)
  })
})

describe("process attribution where the way in cannot tell", () => {
  it("an in-process app.fetch request is journaled and counted as unsupported, and still answered", async () => {
    const h = await makeHarness()
    try {
      const res = await read(h, idPath)
      expect([res.status, await res.text()]).toEqual([200, h.instanceId])

      const [entry] = await h.run(h.services.journal.query({}))
      expect([entry?.process, entry?.processMiss]).toEqual([null, "unsupported"])
      const counters = await h.run(h.services.counters.snapshot(h.instanceId))
      expect(counters.instances[h.instanceId]?.processMissed.unsupported).toBe(1)
    } finally {
      await h.dispose()
    }
  })
})
