// The ECS console's "metadata access settings" dialog, for one instance, a selection or all: HttpEndpoint, HttpTokens
// and InstanceMetadataTags. Before forcing hardened mode it warns, as the real console does, when the instances
// still had normal-mode (token-less) accesses in the chart's window — those callers would then be refused.
import { useEffect, useRef, useState } from "preact/hooks"
import { call } from "./api.ts"
import type { ChartQuery, InstanceRow } from "./store.ts"

export interface SettingsScope {
  readonly kind: "one" | "selection" | "all"
  readonly ids: ReadonlyArray<string>
}

interface NormalUse {
  readonly total: number
  readonly instances: ReadonlyArray<readonly [string, number]>
}

/** Few instances: each one's series; many: the audit of the same window (one request, from the journal). */
const normalUse = async (scope: SettingsScope, window: ChartQuery["window"]): Promise<NormalUse> => {
  if (scope.ids.length <= 20) {
    const counts = await Promise.all(
      scope.ids.map(async (id) => {
        const s = await call("DescribeSeries", { query: { instance: id, window, metrics: "normalOk" } })
        return [id, s.totals.normalOk ?? 0] as const
      })
    )
    const used = counts.filter(([, n]) => n > 0)
    return { total: used.reduce((a, [, n]) => a + n, 0), instances: used }
  }
  const wanted = new Set(scope.ids)
  const audit = await call("DescribeAudit", { query: { since: window } })
  const per = new Map<string, number>()
  for (const g of audit.groups) {
    if (g.instanceId !== null && wanted.has(g.instanceId) && g.normal > 0)
      per.set(g.instanceId, (per.get(g.instanceId) ?? 0) + g.normal)
  }
  const instances = [...per].sort((a, b) => b[1] - a[1])
  return { total: instances.reduce((a, [, n]) => a + n, 0), instances }
}

export const Settings = (props: {
  scope: SettingsScope
  instances: ReadonlyArray<InstanceRow>
  window: ChartQuery["window"]
  onClose: (changed: boolean) => void
}) => {
  const { scope } = props
  const dialog = useRef<HTMLDialogElement>(null)
  const first = props.instances.find((r) => r.instanceId === scope.ids[0])?.metadataOptions
  const [endpoint, setEndpoint] = useState<string>(first?.HttpEndpoint ?? "enabled")
  const [tokens, setTokens] = useState<string>(scope.kind === "one" ? (first?.HttpTokens ?? "optional") : "required")
  const [tags, setTags] = useState<string>(first?.InstanceMetadataTags ?? "disabled")
  const [use, setUse] = useState<NormalUse | null>(null)
  const [confirmed, setConfirmed] = useState(false)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  useEffect(() => dialog.current?.showModal(), [])
  useEffect(() => {
    normalUse(scope, props.window).then(setUse, () => setUse({ total: 0, instances: [] }))
  }, [scope, props.window])

  const hardening = tokens === "required" && endpoint === "enabled"
  const risky = hardening && use !== null && use.total > 0
  const close = (changed: boolean) => {
    dialog.current?.close()
    props.onClose(changed)
  }
  const apply = async (e: Event) => {
    e.preventDefault()
    setBusy(true)
    setError(null)
    const options = { HttpEndpoint: endpoint, HttpTokens: tokens, InstanceMetadataTags: tags }
    try {
      if (scope.kind === "all") await call("ModifyFleetMetadataOptions", { body: options })
      else for (const id of scope.ids) await call("ModifyInstanceMetadataOptions", { params: { id }, body: options })
      close(true)
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err))
      setBusy(false)
    }
  }
  const title =
    scope.kind === "one"
      ? scope.ids[0]
      : scope.kind === "all"
        ? `all ${scope.ids.length.toLocaleString("en")} instances`
        : `${scope.ids.length} selected instances`
  return (
    <dialog ref={dialog} aria-labelledby="settings-title" onClose={() => props.onClose(false)} class="settings">
      <form onSubmit={apply}>
        <h2 id="settings-title">Metadata access settings</h2>
        <p class="muted">
          For <strong class="mono">{title}</strong> — ModifyInstanceMetadataOptions
        </p>
        <fieldset>
          <legend>Metadata access channel (HttpEndpoint)</legend>
          <Radio name="endpoint" value="enabled" current={endpoint} set={setEndpoint} label="Enabled" />
          <Radio name="endpoint" value="disabled" current={endpoint} set={setEndpoint} label="Disabled" />
        </fieldset>
        <fieldset disabled={endpoint === "disabled"}>
          <legend>Access mode (HttpTokens)</legend>
          <Radio
            name="tokens"
            value="optional"
            current={tokens}
            set={setTokens}
            label="Normal and security hardening mode (optional)"
          />
          <Radio
            name="tokens"
            value="required"
            current={tokens}
            set={setTokens}
            label="Security hardening mode only (required)"
          />
        </fieldset>
        <fieldset disabled={endpoint === "disabled"}>
          <legend>Instance tags in metadata (InstanceMetadataTags)</legend>
          <Radio name="tags" value="enabled" current={tags} set={setTags} label="Enabled" />
          <Radio name="tags" value="disabled" current={tags} set={setTags} label="Disabled" />
        </fieldset>
        {hardening && use === null && <p class="muted">Checking normal-mode accesses in the last {props.window}…</p>}
        {risky && (
          <div class="warning" role="alert" data-testid="hardening-warning">
            <strong>
              {use.total.toLocaleString("en")} normal-mode access{use.total === 1 ? "" : "es"} in the last{" "}
              {props.window}
            </strong>{" "}
            on {use.instances.length} instance{use.instances.length === 1 ? "" : "s"}
            {use.instances.length <= 5 ? ` (${use.instances.map(([id]) => id).join(", ")})` : ""}. After forcing
            security hardening mode, token-less requests are refused with 403: switch those callers to tokens first (see
            the Audit view for who they are).
            <label class="confirm">
              <input type="checkbox" checked={confirmed} onChange={(e) => setConfirmed(e.currentTarget.checked)} />{" "}
              Force hardened mode anyway
            </label>
          </div>
        )}
        {hardening && use !== null && use.total === 0 && (
          <p class="ok" data-testid="hardening-clear">
            No normal-mode accesses in the last {props.window}: safe to force security hardening mode.
          </p>
        )}
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
        <div class="actions">
          <button type="button" onClick={() => close(false)}>
            Cancel
          </button>
          <button type="submit" class="primary" disabled={busy || (risky && !confirmed) || (hardening && use === null)}>
            Apply
          </button>
        </div>
      </form>
    </dialog>
  )
}

const Radio = (p: { name: string; value: string; current: string; set: (v: string) => void; label: string }) => (
  <label class="radio">
    <input type="radio" name={p.name} value={p.value} checked={p.current === p.value} onChange={() => p.set(p.value)} />{" "}
    {p.label}
  </label>
)
