import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { CounterEvents, CounterStore, Counters, escapeLabelValue, refusalEvent } from "../src/counters/Counters.ts"

const provide = Effect.provide(Counters.layer)

describe("Counters", () => {
  it.effect("counts each event kind per instance and sums them into totals", () =>
    Effect.gen(function* () {
      const counters = yield* Counters
      yield* counters.record("i-a", CounterEvents.normalOk)
      yield* counters.record("i-a", { kind: "normal-ok" })
      yield* counters.record("i-a", CounterEvents.tokenRefused.expired)
      counters.recordUnsafe("i-b", CounterEvents.normalRejected)
      counters.recordUnsafe("i-b", { kind: "token-refused", reason: "expired" })
      counters.recordUnsafe("i-b", CounterEvents.tokenRefused["bad-mac"])
      counters.recordUnsafe("i-b", CounterEvents.tokenIssued)
      const snap = yield* counters.snapshot()
      const a = snap.instances["i-a"]!
      const b = snap.instances["i-b"]!
      assert.strictEqual(a.normalOk, 2)
      assert.strictEqual(a.tokenRefused.expired, 1)
      assert.strictEqual(a.total, 3)
      assert.strictEqual(b.normalOk, 0)
      assert.strictEqual(b.normalRejected, 1)
      assert.strictEqual(b.tokensIssued, 1)
      assert.strictEqual(b.total, 4)
      assert.strictEqual(snap.totals.normalOk, 2)
      assert.strictEqual(snap.totals.tokenRefused.expired, 2)
      assert.strictEqual(snap.totals.tokenRefused["bad-mac"], 1)
      assert.strictEqual(snap.totals.total, 7)
    }).pipe(provide)
  )

  it.effect("every scalar event lands in its own field", () =>
    Effect.gen(function* () {
      const counters = yield* Counters
      const events = [
        CounterEvents.normalOk,
        CounterEvents.normalRejected,
        CounterEvents.tokenOk,
        CounterEvents.tokenIssued,
        CounterEvents.throttled,
        CounterEvents.endpointDisabled,
        CounterEvents.notFound,
        CounterEvents.otherError
      ]
      for (const [i, e] of events.entries()) for (let n = 0; n <= i; n++) counters.recordUnsafe("i-a", e)
      const a = (yield* counters.snapshot("i-a")).instances["i-a"]!
      assert.deepStrictEqual(
        [a.normalOk, a.normalRejected, a.tokenOk, a.tokensIssued, a.throttled, a.endpointDisabled, a.notFound],
        [1, 2, 3, 4, 5, 6, 7]
      )
      assert.strictEqual(a.otherErrors, 8)
      assert.strictEqual(a.total, 36)
    }).pipe(provide)
  )

  it.effect("counts requests without a calling process by reason, apart from the request total", () =>
    Effect.gen(function* () {
      const counters = yield* Counters
      counters.recordUnsafe("i-a", CounterEvents.normalOk)
      counters.recordUnsafe("i-a", CounterEvents.processMissed.denied)
      counters.recordUnsafe("i-a", CounterEvents.processMissed.denied)
      counters.recordUnsafe("i-a", { kind: "process-missed", reason: "off" })
      counters.recordUnsafe("i-b", CounterEvents.processMissed["not-found"])
      const snap = yield* counters.snapshot()
      assert.deepStrictEqual(snap.instances["i-a"]!.processMissed, {
        off: 1,
        unsupported: 0,
        remote: 0,
        "not-found": 0,
        denied: 2
      })
      assert.strictEqual(snap.instances["i-a"]!.total, 1)
      assert.deepStrictEqual(snap.totals.processMissed, {
        off: 1,
        unsupported: 0,
        remote: 0,
        "not-found": 1,
        denied: 2
      })
      assert.strictEqual(snap.totals.total, 1)
      assert.strictEqual(snap.instances["i-a"]!.normalOk, 1)
    }).pipe(provide)
  )

  it.effect("a snapshot of one instance holds only that instance and its totals are its own", () =>
    Effect.gen(function* () {
      const counters = yield* Counters
      counters.recordUnsafe("i-a", CounterEvents.tokenOk)
      counters.recordUnsafe("i-b", CounterEvents.tokenOk)
      counters.recordUnsafe("i-b", CounterEvents.tokenOk)
      const snap = yield* counters.snapshot("i-b")
      assert.deepStrictEqual(Object.keys(snap.instances), ["i-b"])
      assert.strictEqual(snap.totals.tokenOk, 2)
      const unknown = yield* counters.snapshot("i-zzz")
      assert.deepStrictEqual(unknown.instances, {})
      assert.strictEqual(unknown.totals.total, 0)
    }).pipe(provide)
  )

  it.effect("reset of one instance keeps the others; reset with no id clears everything", () =>
    Effect.gen(function* () {
      const counters = yield* Counters
      counters.recordUnsafe("i-a", CounterEvents.normalOk)
      counters.recordUnsafe("i-b", CounterEvents.normalOk)
      counters.observeLatencyUnsafe("i-a", 0.002)
      yield* counters.reset("i-a")
      let snap = yield* counters.snapshot()
      assert.deepStrictEqual(Object.keys(snap.instances), ["i-b"])
      assert.strictEqual(snap.totals.latency.count, 0)
      yield* counters.reset()
      snap = yield* counters.snapshot()
      assert.deepStrictEqual(snap.instances, {})
      assert.strictEqual(snap.totals.normalOk, 0)
    }).pipe(provide)
  )

  it.effect("histogram buckets are cumulative and a value on a bound counts in that bucket", () =>
    Effect.gen(function* () {
      const counters = yield* Counters
      yield* counters.observeLatency("i-a", 0.0005) // exactly on the first bound
      yield* counters.observeLatency("i-a", 0.003)
      yield* counters.observeLatency("i-a", 0.003)
      yield* counters.observeLatency("i-a", 1)
      yield* counters.observeLatency("i-a", 2.5) // only +Inf
      const { latency } = (yield* counters.snapshot("i-a")).instances["i-a"]!
      assert.deepStrictEqual(latency.buckets, {
        "0.0005": 1,
        "0.001": 1,
        "0.0025": 1,
        "0.005": 3,
        "0.01": 3,
        "0.025": 3,
        "0.05": 3,
        "0.1": 3,
        "0.25": 3,
        "0.5": 3,
        "1": 4,
        "+Inf": 5
      })
      assert.strictEqual(latency.count, 5)
      assert.closeTo(latency.sumSeconds, 3.5065, 1e-12)
    }).pipe(provide)
  )

  it("ignores negative, NaN and infinite latencies", () => {
    const store = new CounterStore()
    store.observeLatency("i-a", -1)
    store.observeLatency("i-a", Number.NaN)
    store.observeLatency("i-a", Number.POSITIVE_INFINITY)
    store.observeLatency("i-a", 0)
    const { latency } = store.snapshot().instances["i-a"]!
    assert.strictEqual(latency.count, 1)
    assert.strictEqual(latency.sumSeconds, 0)
    assert.strictEqual(latency.buckets["0.0005"], 1)
  })

  it("maps each data-plane refusal to its counter", () => {
    assert.deepStrictEqual(refusalEvent.TokenRequired, { kind: "normal-rejected" })
    assert.deepStrictEqual(refusalEvent.TokenForeignInstance, { kind: "token-refused", reason: "foreign-instance" })
    assert.deepStrictEqual(refusalEvent.ForwardedTokenRequest, { kind: "token-refused", reason: "forwarded" })
    assert.deepStrictEqual(refusalEvent.InvalidTtl, { kind: "token-refused", reason: "invalid-ttl" })
    assert.deepStrictEqual(refusalEvent.Throttled, { kind: "throttled" })
    assert.deepStrictEqual(refusalEvent.PathNotFound, { kind: "not-found" })
    assert.deepStrictEqual(refusalEvent.EndpointDisabled, { kind: "endpoint-disabled" })
    assert.deepStrictEqual(refusalEvent.UnboundPeer, { kind: "other-error" })
  })

  it("escapes backslash, double quote and line feed in label values", () => {
    assert.strictEqual(escapeLabelValue('a\\b"c\nd'), 'a\\\\b\\"c\\nd')
  })

  it.effect("renders the Prometheus text exposition format exactly", () =>
    Effect.gen(function* () {
      const counters = yield* Counters
      const id = 'i-"q"\\x'
      counters.recordUnsafe(id, CounterEvents.normalOk)
      counters.recordUnsafe(id, CounterEvents.normalOk)
      counters.recordUnsafe(id, CounterEvents.tokenRefused.malformed)
      counters.recordUnsafe(id, CounterEvents.processMissed.remote)
      counters.observeLatencyUnsafe(id, 0.004)
      counters.observeLatencyUnsafe(id, 0.5)
      const l = 'instance_id="i-\\"q\\"\\\\x"'
      const counter = (name: string, help: string, value: number) => [
        `# HELP aliyun_imds_${name} ${help}`,
        `# TYPE aliyun_imds_${name} counter`,
        `aliyun_imds_${name}{${l}} ${value}`
      ]
      const h = "aliyun_imds_request_duration_seconds"
      const expected = [
        ...counter(
          "normal_ok_total",
          'Successful normal-mode (token-less) reads: CloudMonitor "Successful Normal Mode Accesses".',
          2
        ),
        ...counter("normal_rejected_total", "Token-less reads refused because HttpTokens=required.", 0),
        ...counter("token_ok_total", "Successful reads that carried a valid token.", 0),
        ...counter("tokens_issued_total", "Tokens issued by PUT /latest/api/token.", 0),
        ...counter("throttled_total", "Requests refused with 429 by the throttle.", 0),
        ...counter("endpoint_disabled_total", "Requests refused because HttpEndpoint=disabled.", 0),
        ...counter("not_found_total", "Requests for paths that do not exist (404).", 0),
        ...counter("other_errors_total", "Requests refused for any other reason.", 0),
        "# HELP aliyun_imds_token_refused_total Requests refused for a token problem, by reason.",
        "# TYPE aliyun_imds_token_refused_total counter",
        `aliyun_imds_token_refused_total{${l},reason="malformed"} 1`,
        `aliyun_imds_token_refused_total{${l},reason="bad-mac"} 0`,
        `aliyun_imds_token_refused_total{${l},reason="expired"} 0`,
        `aliyun_imds_token_refused_total{${l},reason="not-yet-valid"} 0`,
        `aliyun_imds_token_refused_total{${l},reason="foreign-instance"} 0`,
        `aliyun_imds_token_refused_total{${l},reason="forwarded"} 0`,
        `aliyun_imds_token_refused_total{${l},reason="invalid-ttl"} 0`,
        "# HELP aliyun_imds_process_missed_total Requests journaled without their calling process, by reason " +
          "(off: the --attribute policy skipped them).",
        "# TYPE aliyun_imds_process_missed_total counter",
        `aliyun_imds_process_missed_total{${l},reason="off"} 0`,
        `aliyun_imds_process_missed_total{${l},reason="unsupported"} 0`,
        `aliyun_imds_process_missed_total{${l},reason="remote"} 1`,
        `aliyun_imds_process_missed_total{${l},reason="not-found"} 0`,
        `aliyun_imds_process_missed_total{${l},reason="denied"} 0`,
        `# HELP ${h} Time to answer a metadata request, in seconds.`,
        `# TYPE ${h} histogram`,
        `${h}_bucket{${l},le="0.0005"} 0`,
        `${h}_bucket{${l},le="0.001"} 0`,
        `${h}_bucket{${l},le="0.0025"} 0`,
        `${h}_bucket{${l},le="0.005"} 1`,
        `${h}_bucket{${l},le="0.01"} 1`,
        `${h}_bucket{${l},le="0.025"} 1`,
        `${h}_bucket{${l},le="0.05"} 1`,
        `${h}_bucket{${l},le="0.1"} 1`,
        `${h}_bucket{${l},le="0.25"} 1`,
        `${h}_bucket{${l},le="0.5"} 2`,
        `${h}_bucket{${l},le="1"} 2`,
        `${h}_bucket{${l},le="+Inf"} 2`,
        `${h}_sum{${l}} 0.504`,
        `${h}_count{${l}} 2`
      ]
      assert.strictEqual(counters.prometheusText(), expected.join("\n") + "\n")
    }).pipe(provide)
  )

  it("lists instances sorted by id in the Prometheus text", () => {
    const store = new CounterStore()
    store.record("i-b", CounterEvents.tokenOk)
    store.record("i-a", CounterEvents.tokenOk)
    const lines = store.prometheusText().split("\n")
    const samples = lines.filter((line) => line.startsWith("aliyun_imds_token_ok_total"))
    assert.deepStrictEqual(samples, [
      'aliyun_imds_token_ok_total{instance_id="i-a"} 1',
      'aliyun_imds_token_ok_total{instance_id="i-b"} 1'
    ])
  })

  it("with no instances the text has only HELP and TYPE lines", () => {
    const text = new CounterStore().prometheusText()
    assert.isTrue(text.split("\n").every((line) => line === "" || line.startsWith("# ")))
    assert.include(text, "# TYPE aliyun_imds_request_duration_seconds histogram\n")
  })

  it("saved counters restore into another store with the same snapshot and Prometheus text", () => {
    const store = new CounterStore()
    store.record("i-a", CounterEvents.normalOk)
    store.record("i-a", CounterEvents.tokenRefused["bad-mac"])
    store.record("i-a", CounterEvents.processMissed["not-found"])
    store.observeLatency("i-a", 0.003)
    store.record("i-b", CounterEvents.tokenIssued)
    const saved = store.saved()
    assert.deepStrictEqual(saved["i-a"]?.latencyHits, [0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0])
    assert.strictEqual(saved["i-a"]?.latencySumSeconds, 0.003)
    assert.strictEqual(saved["i-a"]?.tokenRefused["bad-mac"], 1)
    const other = new CounterStore()
    other.record("i-c", CounterEvents.normalOk)
    other.restore(JSON.parse(JSON.stringify(saved)))
    assert.deepStrictEqual(other.snapshot(), store.snapshot())
    assert.strictEqual(other.prometheusText(), store.prometheusText())
    other.record("i-a", CounterEvents.normalOk)
    assert.strictEqual(other.snapshot("i-a").totals.normalOk, 2)
    assert.strictEqual(store.snapshot("i-a").totals.normalOk, 1)
  })

  it("a saved histogram of another length is left out, the counts are kept", () => {
    const store = new CounterStore()
    store.record("i-a", CounterEvents.normalOk)
    store.observeLatency("i-a", 0.003)
    const saved = store.saved()["i-a"]!
    const other = new CounterStore()
    other.restore({ "i-a": { ...saved, latencyHits: [1, 2] } })
    assert.strictEqual(other.snapshot().totals.normalOk, 1)
    assert.strictEqual(other.snapshot().totals.latency.count, 0)
    assert.strictEqual(other.snapshot().totals.latency.sumSeconds, 0)
  })

  it.effect("the service saves and restores its store", () =>
    Effect.gen(function* () {
      const counters = yield* Counters
      counters.recordUnsafe("i-a", CounterEvents.normalRejected)
      const saved = yield* counters.saved
      yield* counters.reset()
      yield* counters.restore(saved)
      assert.strictEqual((yield* counters.snapshot()).totals.normalRejected, 1)
    }).pipe(provide)
  )
})
