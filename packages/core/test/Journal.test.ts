import { assert, describe, it } from "@effect/vitest"
import { Effect, Exit, Layer } from "effect"
import { type CallerProcess, Journal, type JournalInput, JournalRing } from "../src/journal/Journal.ts"

const entry = (over: Partial<JournalInput> = {}): JournalInput => ({
  time: 1_000,
  instanceId: "i-a",
  peerAddress: "127.0.0.1",
  peerPort: 40_000,
  method: "GET",
  path: "/latest/meta-data/instance-id",
  mode: "normal",
  status: 200,
  userAgent: "curl/8.5.0",
  reason: null,
  durationMs: 0.3,
  process: null,
  processMiss: "off",
  ...over
})

const ringWith = (...entries: ReadonlyArray<Partial<JournalInput>>) => {
  const ring = new JournalRing(100)
  for (const e of entries) ring.append(entry(e))
  return ring
}

const seqs = (xs: ReadonlyArray<{ readonly seq: number }>) => xs.map((x) => x.seq)

describe("Journal", () => {
  it.effect("assigns seqs 1, 2, 3… and returns entries oldest first with every field", () =>
    Effect.gen(function* () {
      const journal = yield* Journal
      assert.strictEqual(yield* journal.append(entry({ path: "/a" })), 1)
      assert.strictEqual(journal.appendUnsafe(entry({ path: "/b", reason: "TokenExpired", status: 401 })), 2)
      const all = yield* journal.query()
      assert.deepStrictEqual(all, [
        { seq: 1, ...entry({ path: "/a" }) },
        { seq: 2, ...entry({ path: "/b", reason: "TokenExpired", status: 401 }) }
      ])
      assert.strictEqual(yield* journal.size, 2)
      assert.strictEqual(journal.capacity, 10_000)
    }).pipe(Effect.provide(Journal.layer))
  )

  it.effect("a full ring overwrites the oldest entries and counts them as dropped", () =>
    Effect.gen(function* () {
      const journal = yield* Journal
      for (let i = 1; i <= 5; i++) yield* journal.append(entry({ path: `/${i}` }))
      const all = yield* journal.query()
      assert.deepStrictEqual(seqs(all), [3, 4, 5])
      assert.deepStrictEqual(
        all.map((e) => e.path),
        ["/3", "/4", "/5"]
      )
      assert.strictEqual(yield* journal.size, 3)
      assert.strictEqual(yield* journal.dropped, 2)
      assert.strictEqual(journal.capacity, 3)
    }).pipe(Effect.provide(Journal.layerWith({ capacity: 3 })))
  )

  it("keeps each entry's calling process, or the reason it has none, and forgets both on clear", () => {
    const python: CallerProcess = { pid: 4242, ppid: 1, exe: "/usr/bin/python3.12", cmdline: "python3 -c pass" }
    const ring = ringWith(
      { process: python, processMiss: null },
      { processMiss: "denied" },
      { processMiss: "not-found" }
    )
    assert.deepStrictEqual(
      ring.query().map((e) => [e.process, e.processMiss]),
      [
        [python, null],
        [null, "denied"],
        [null, "not-found"]
      ]
    )
    ring.clear()
    ring.append(entry())
    assert.deepStrictEqual(
      ring.query().map((e) => [e.process, e.processMiss]),
      [[null, "off"]]
    )
  })

  it("a ring of capacity 1 keeps only the last entry", () => {
    const ring = new JournalRing(1)
    ring.append(entry({ path: "/1" }))
    ring.append(entry({ path: "/2" }))
    assert.deepStrictEqual(
      ring.query().map((e) => [e.seq, e.path]),
      [[2, "/2"]]
    )
    assert.strictEqual(ring.dropped, 1)
  })

  it("filters by instance id, including null for unbound peers", () => {
    const ring = ringWith({ instanceId: "i-a" }, { instanceId: "i-b" }, { instanceId: null }, { instanceId: "i-a" })
    assert.deepStrictEqual(seqs(ring.query({ instanceId: "i-a" })), [1, 4])
    assert.deepStrictEqual(seqs(ring.query({ instanceId: null })), [3])
  })

  it("filters by mode, status and since, and combines filters", () => {
    const ring = ringWith(
      { mode: "normal", status: 200, time: 10 },
      { mode: "token", status: 200, time: 20 },
      { mode: "token", status: 401, time: 30 },
      { mode: "none", status: 403, time: 40 }
    )
    assert.deepStrictEqual(seqs(ring.query({ mode: "token" })), [2, 3])
    assert.deepStrictEqual(seqs(ring.query({ status: 200 })), [1, 2])
    assert.deepStrictEqual(seqs(ring.query({ since: 30 })), [3, 4])
    assert.deepStrictEqual(seqs(ring.query({ mode: "token", status: 200, since: 20 })), [2])
    assert.deepStrictEqual(seqs(ring.query({ mode: "token", since: 31 })), [])
  })

  it("limit keeps the newest matches, still oldest first; limit 0 returns nothing", () => {
    const ring = ringWith({}, {}, {}, {}, {})
    assert.deepStrictEqual(seqs(ring.query({ limit: 2 })), [4, 5])
    assert.deepStrictEqual(seqs(ring.query({ limit: 0 })), [])
  })

  it("the default limit is 100", () => {
    const ring = new JournalRing(200)
    for (let i = 0; i < 150; i++) ring.append(entry())
    const page = ring.query()
    assert.strictEqual(page.length, 100)
    assert.strictEqual(page[0]!.seq, 51)
    assert.strictEqual(page[99]!.seq, 150)
  })

  it("afterSeq returns entries after that seq, oldest first, so a follower never skips any", () => {
    const ring = ringWith({}, {}, { status: 404 }, {}, {})
    assert.deepStrictEqual(seqs(ring.query({ afterSeq: 2 })), [3, 4, 5])
    assert.deepStrictEqual(seqs(ring.query({ afterSeq: 1, limit: 2 })), [2, 3])
    assert.deepStrictEqual(seqs(ring.query({ afterSeq: 1, status: 200 })), [2, 4, 5])
    assert.deepStrictEqual(seqs(ring.query({ afterSeq: 5 })), [])
    assert.deepStrictEqual(seqs(ring.query({ afterSeq: 0 })), [1, 2, 3, 4, 5])
  })

  it("afterSeq older than the oldest kept entry starts at the oldest", () => {
    const ring = new JournalRing(3)
    for (let i = 0; i < 5; i++) ring.append(entry())
    assert.deepStrictEqual(seqs(ring.query({ afterSeq: 1 })), [3, 4, 5])
    assert.deepStrictEqual(seqs(ring.query({ afterSeq: 3 })), [4, 5])
  })

  it.effect("clear empties the journal but seqs keep increasing", () =>
    Effect.gen(function* () {
      const journal = yield* Journal
      for (let i = 0; i < 4; i++) yield* journal.append(entry())
      yield* journal.clear
      assert.deepStrictEqual(yield* journal.query(), [])
      assert.strictEqual(yield* journal.size, 0)
      assert.strictEqual(yield* journal.dropped, 0)
      assert.strictEqual(yield* journal.append(entry()), 5)
      assert.deepStrictEqual(seqs(yield* journal.query({ afterSeq: 4 })), [5])
    }).pipe(Effect.provide(Journal.layerWith({ capacity: 3 })))
  )

  it.effect("a capacity below 1 is a defect when the layer is built", () =>
    Effect.gen(function* () {
      const exit = yield* Effect.exit(Layer.build(Journal.layerWith({ capacity: 0 })))
      assert.isTrue(Exit.isFailure(exit))
    })
  )
})
