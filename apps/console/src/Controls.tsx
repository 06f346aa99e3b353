// The emulated world's levers: the virtual clock (advance, set, freeze, resume, back to wall time), throttle and
// fault rules on the metadata listener, revoking every token, resetting the fleet, and the identity certificate.
import type { AdminOutput } from "@aliyun-imds/admin-api"
import { useEffect, useState } from "preact/hooks"
import { call } from "./api.ts"
import type { Store } from "./store.ts"

type Faults = AdminOutput<"DescribeFaultRules">["rules"]
type Throttles = AdminOutput<"DescribeThrottleRules">["rules"]

export const Controls = ({ store }: { store: Store }) => {
  const [message, setMessage] = useState<string | null>(null)
  const [faults, setFaults] = useState<Faults>([])
  const [throttles, setThrottles] = useState<Throttles>([])
  const reload = () => {
    call("DescribeFaultRules").then(
      (r) => setFaults(r.rules),
      () => {}
    )
    call("DescribeThrottleRules").then(
      (r) => setThrottles(r.rules),
      () => {}
    )
  }
  useEffect(reload, [])
  const act = (label: string, f: () => Promise<unknown>) => async (e?: Event) => {
    e?.preventDefault()
    try {
      await f()
      setMessage(`${label}: done`)
    } catch (err) {
      setMessage(`${label}: ${err instanceof Error ? err.message : String(err)}`)
    }
    store.refresh()
    reload()
  }
  return (
    <section aria-label="Controls" class="controls">
      {message && (
        <p class="notice" role="status">
          {message}
        </p>
      )}
      <ClockPanel store={store} act={act} />
      <ThrottlePanel rules={throttles} act={act} />
      <FaultPanel rules={faults} act={act} />
      <div class="panel">
        <h2>Tokens, fleet and identity</h2>
        <div class="row">
          <button type="button" onClick={act("Revoke tokens", () => call("RevokeTokens"))}>
            Revoke every token
          </button>
          <button
            type="button"
            class="danger"
            onClick={(e) => {
              if (confirm("Reset the fleet, clock, rules, counters and journal, and revoke every token?"))
                void act("Reset", () => call("ResetFleet", { body: { all: true } }))(e)
            }}
          >
            Reset everything
          </button>
          <button type="button" onClick={act("Certificate", downloadCertificate)}>
            Download identity certificate (PEM)
          </button>
        </div>
      </div>
    </section>
  )
}

type Act = (label: string, f: () => Promise<unknown>) => (e?: Event) => Promise<void>

const downloadCertificate = async () => {
  const pem = await call("DescribeIdentityCertificate")
  const url = URL.createObjectURL(new Blob([pem], { type: "application/x-pem-file" }))
  const a = Object.assign(document.createElement("a"), { href: url, download: "aliyun-imds-identity.pem" })
  a.click()
  setTimeout(() => URL.revokeObjectURL(url), 1000)
}

const ClockPanel = ({ store, act }: { store: Store; act: Act }) => {
  const [by, setBy] = useState("6h")
  const [to, setTo] = useState("")
  const frozen = store.clock?.frozen ?? false
  return (
    <div class="panel">
      <h2>Virtual clock</h2>
      <p class="mono" data-testid="clock-panel">
        {store.clock?.time ?? "…"} {frozen ? "(frozen)" : ""} · offset {Math.round((store.clock?.offsetMs ?? 0) / 1000)}{" "}
        s
      </p>
      <form class="row" onSubmit={act(`Advance ${by}`, () => call("AdvanceClock", { body: { by } }))}>
        <label>
          Advance by <input value={by} size={8} onInput={(e) => setBy(e.currentTarget.value)} aria-label="Advance by" />
        </label>
        <button type="submit">Advance</button>
      </form>
      <form class="row" onSubmit={act("Set clock", () => call("SetClock", { body: { to } }))}>
        <label>
          Set to{" "}
          <input
            value={to}
            placeholder="2030-01-01T00:00:00Z"
            onInput={(e) => setTo(e.currentTarget.value)}
            aria-label="Set clock to"
          />
        </label>
        <button type="submit" disabled={to.trim() === ""}>
          Set
        </button>
      </form>
      <div class="row">
        {frozen ? (
          <button type="button" onClick={act("Resume", () => call("ResumeClock"))}>
            Resume
          </button>
        ) : (
          <button type="button" onClick={act("Freeze", () => call("FreezeClock"))}>
            Freeze
          </button>
        )}
        <button type="button" onClick={act("Wall time", () => call("ResetClock"))}>
          Back to wall time
        </button>
      </div>
    </div>
  )
}

const ThrottlePanel = ({ rules, act }: { rules: Throttles; act: Act }) => {
  const [target, setTarget] = useState("*")
  const [rate, setRate] = useState("10")
  const [burst, setBurst] = useState("5")
  return (
    <div class="panel">
      <h2>Throttle</h2>
      <form
        class="row"
        onSubmit={act("Throttle", () =>
          call("SetThrottleRule", { body: { target, ratePerSecond: Number(rate), burst: Number(burst) } })
        )}
      >
        <input
          aria-label="Throttle target"
          value={target}
          size={22}
          onInput={(e) => setTarget(e.currentTarget.value)}
        />
        <label>
          rate/s{" "}
          <input aria-label="Rate per second" value={rate} size={4} onInput={(e) => setRate(e.currentTarget.value)} />
        </label>
        <label>
          burst <input aria-label="Burst" value={burst} size={4} onInput={(e) => setBurst(e.currentTarget.value)} />
        </label>
        <button type="submit">Set</button>
        <button
          type="button"
          disabled={rules.length === 0}
          onClick={act("Clear throttle", () => call("ClearThrottleRules"))}
        >
          Clear all
        </button>
      </form>
      <ul class="rules">
        {rules.map((r) => (
          <li key={r.target} class="mono small">
            {r.target}: {r.ratePerSecond}/s, burst {r.burst}
          </li>
        ))}
        {rules.length === 0 && <li class="muted">No throttle: every request is answered.</li>}
      </ul>
    </div>
  )
}

const FaultPanel = ({ rules, act }: { rules: Faults; act: Act }) => {
  const [instanceId, setInstanceId] = useState("*")
  const [type, setType] = useState<"status" | "latency" | "reset" | "blackhole">("status")
  const [value, setValue] = useState("503")
  const [times, setTimes] = useState("")
  const action =
    type === "status"
      ? ({ type, status: Number(value) } as const)
      : type === "latency"
        ? ({ type, ms: Number(value) } as const)
        : ({ type } as const)
  return (
    <div class="panel">
      <h2>Faults</h2>
      <form
        class="row"
        onSubmit={act("Fault", () =>
          call("AddFaultRule", { body: { instanceId, action, ...(times === "" ? {} : { times: Number(times) }) } })
        )}
      >
        <input
          aria-label="Fault instance"
          value={instanceId}
          size={22}
          onInput={(e) => setInstanceId(e.currentTarget.value)}
        />
        <select aria-label="Fault action" value={type} onChange={(e) => setType(e.currentTarget.value as typeof type)}>
          <option value="status">status</option>
          <option value="latency">latency (ms)</option>
          <option value="reset">connection reset</option>
          <option value="blackhole">black hole</option>
        </select>
        {(type === "status" || type === "latency") && (
          <input aria-label="Fault value" value={value} size={6} onInput={(e) => setValue(e.currentTarget.value)} />
        )}
        <input
          aria-label="Times"
          placeholder="times (∞)"
          value={times}
          size={8}
          onInput={(e) => setTimes(e.currentTarget.value)}
        />
        <button type="submit">Add</button>
        <button
          type="button"
          disabled={rules.length === 0}
          onClick={act("Clear faults", () => call("ClearFaultRules"))}
        >
          Clear all
        </button>
      </form>
      <ul class="rules">
        {rules.map((r) => (
          <li key={r.id} class="mono small">
            {r.id} {r.instanceId} {r.route} {r.action.type}
            {r.action.type === "status"
              ? ` ${r.action.status}`
              : r.action.type === "latency"
                ? ` ${r.action.ms} ms`
                : ""}
            {r.remaining === null ? "" : ` (${r.remaining} left)`}{" "}
            <button
              type="button"
              class="small"
              onClick={act("Remove fault", () => call("RemoveFaultRule", { params: { id: r.id } }))}
            >
              Remove
            </button>
          </li>
        ))}
        {rules.length === 0 && <li class="muted">No faults: the metadata listener answers normally.</li>}
      </ul>
    </div>
  )
}
