import { assert, describe, it } from "vitest"
import { type AuditGroup, auditOf } from "../src/journal/Audit.ts"
import type { CallerProcess, JournalEntry } from "../src/journal/JournalEntry.ts"
import { journalInput } from "./journalEntries.ts"

let seq = 0
const entry = (over: Partial<JournalEntry> = {}): JournalEntry => ({
  seq: ++seq,
  ...journalInput({ processMiss: "not-found" }),
  ...over
})

const proc = (pid: number, cmdline: string, exe = "/usr/bin/python3.11"): CallerProcess => ({
  pid,
  ppid: 1,
  exe,
  cmdline
})
const agent = proc(100, "python3 agent.py")
const agentAgain = proc(230, "python3 agent.py")
const cron = proc(300, "/bin/sh /etc/cron.hourly/report", "/usr/bin/dash")

describe("auditOf", () => {
  it("groups token-less reads by process across pids, counts them, and keeps first/last time and paths", () => {
    const groups = auditOf([
      entry({ time: 10, process: agent, processMiss: null, path: "/latest/meta-data/instance-id" }),
      entry({ time: 20, process: agentAgain, processMiss: null, path: "/latest/meta-data/region-id" }),
      entry({ time: 30, process: agent, processMiss: null, path: "/latest/meta-data/region-id", userAgent: "urllib" }),
      entry({ time: 15, process: cron, processMiss: null }),
      entry({ time: 40, process: agent, processMiss: null, mode: "token" })
    ])
    assert.deepStrictEqual(groups, [
      {
        instanceId: "i-a",
        process: { exe: "/usr/bin/python3.11", cmdline: "python3 agent.py" },
        processMiss: null,
        pids: [100, 230],
        peerAddress: null,
        userAgents: ["curl/8.5.0", "urllib"],
        count: 3,
        normal: 3,
        refused: 0,
        firstTime: 10,
        lastTime: 30,
        paths: [
          { path: "/latest/meta-data/region-id", count: 2 },
          { path: "/latest/meta-data/instance-id", count: 1 }
        ]
      },
      {
        instanceId: "i-a",
        process: { exe: "/usr/bin/dash", cmdline: "/bin/sh /etc/cron.hourly/report" },
        processMiss: null,
        pids: [300],
        peerAddress: null,
        userAgents: ["curl/8.5.0"],
        count: 1,
        normal: 1,
        refused: 0,
        firstTime: 15,
        lastTime: 15,
        paths: [{ path: "/latest/meta-data/instance-id", count: 1 }]
      }
    ] satisfies ReadonlyArray<AuditGroup>)
  })

  it("keeps instances apart and groups unknown processes by peer address and user agent", () => {
    const groups = auditOf([
      entry({ instanceId: "i-a", process: agent, processMiss: null }),
      entry({ instanceId: "i-b", process: agent, processMiss: null }),
      entry({ peerAddress: "10.0.0.7", processMiss: "remote", userAgent: "Go-http-client/1.1" }),
      entry({ peerAddress: "10.0.0.7", processMiss: "remote", userAgent: "Go-http-client/1.1" }),
      entry({ peerAddress: "10.0.0.7", processMiss: "remote", userAgent: "curl/8.5.0" })
    ])
    assert.deepStrictEqual(
      groups.map((g) => [g.instanceId, g.process?.cmdline ?? null, g.peerAddress, g.processMiss, g.count]),
      [
        ["i-a", null, "10.0.0.7", "remote", 2],
        ["i-a", null, "10.0.0.7", "remote", 1],
        ["i-a", "python3 agent.py", null, null, 1],
        ["i-b", "python3 agent.py", null, null, 1]
      ]
    )
  })

  it("names why an unknown caller's process is unknown, preferring a real reason to the policy's off", () => {
    const [group] = auditOf(
      [
        entry({ status: 401, reason: "TokenExpired", mode: "token", processMiss: "off" }),
        entry({ status: 403, reason: "TokenRequired", processMiss: "denied" })
      ],
      { refused: true }
    )
    assert.strictEqual(group?.count, 2)
    assert.strictEqual(group?.processMiss, "denied")
  })

  it("leaves out token reads, token PUTs, errors and dropped connections; refusals only when asked", () => {
    const entries = [
      entry({ mode: "token", status: 200 }),
      entry({ mode: "none", method: "PUT", path: "/latest/api/token" }),
      entry({ status: 404, reason: "PathNotFound" }),
      entry({ status: 0, reason: "dropped" }),
      entry({ status: 403, reason: "EndpointDisabled" }),
      entry({ status: 403, reason: "TokenRequired", path: "/latest/meta-data/hostname" }),
      entry({ mode: "token", status: 401, reason: "TokenExpired", path: "/latest/meta-data/hostname" })
    ]
    assert.deepStrictEqual(auditOf(entries), [])
    const [refused] = auditOf(entries, { refused: true })
    assert.strictEqual(refused?.count, 2)
    assert.strictEqual(refused?.refused, 2)
    assert.strictEqual(refused?.normal, 0)
  })

  it("filters by time (since, inclusive) and instance", () => {
    const entries = [entry({ time: 5 }), entry({ time: 10 }), entry({ time: 20, instanceId: "i-b" })]
    assert.deepStrictEqual(
      auditOf(entries, { since: 10 }).map((g) => [g.instanceId, g.count]),
      [
        ["i-b", 1],
        ["i-a", 1]
      ]
    )
    assert.deepStrictEqual(
      auditOf(entries, { instanceId: "i-a" }).map((g) => g.count),
      [2]
    )
  })
})
