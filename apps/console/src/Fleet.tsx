// The fleet: every instance with its metadata options, role and events, filtered and searched in the page, shown a
// page at a time (10,000 instances stay responsive), selectable for the metadata access settings dialog.
import { useMemo, useState } from "preact/hooks"
import { Settings, type SettingsScope } from "./Settings.tsx"
import type { InstanceRow, Store } from "./store.ts"

const pageSize = 50

const matches = (row: InstanceRow, text: string, tokens: string) =>
  (tokens === "" || row.metadataOptions.HttpTokens === tokens) &&
  (text === "" ||
    [
      row.instanceId,
      row.instanceName,
      row.hostname,
      row.instanceType,
      row.zoneId,
      row.role ?? "",
      ...row.sourceAddresses
    ]
      .join(" ")
      .toLowerCase()
      .includes(text))

export const Fleet = ({ store }: { store: Store }) => {
  const [search, setSearch] = useState("")
  const [tokens, setTokens] = useState("")
  const [page, setPage] = useState(0)
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set())
  const [scope, setScope] = useState<SettingsScope | null>(null)
  const all = store.instances ?? []
  const shown = useMemo(() => all.filter((r) => matches(r, search.trim().toLowerCase(), tokens)), [all, search, tokens])
  const pages = Math.max(1, Math.ceil(shown.length / pageSize))
  const current = Math.min(page, pages - 1)
  const rows = shown.slice(current * pageSize, (current + 1) * pageSize)
  const toggle = (id: string) => {
    const next = new Set(selected)
    if (!next.delete(id)) next.add(id)
    setSelected(next)
  }
  const pageSelected = rows.length > 0 && rows.every((r) => selected.has(r.instanceId))
  const togglePage = () => {
    const next = new Set(selected)
    for (const r of rows) pageSelected ? next.delete(r.instanceId) : next.add(r.instanceId)
    setSelected(next)
  }
  if (store.instances === null) return <p class="muted">Loading the fleet…</p>
  return (
    <section aria-label="Fleet">
      <div class="toolbar">
        <input
          type="search"
          placeholder="Search id, name, address, zone, role…"
          aria-label="Search instances"
          value={search}
          onInput={(e) => {
            setSearch(e.currentTarget.value)
            setPage(0)
          }}
        />
        <select aria-label="HttpTokens filter" value={tokens} onChange={(e) => setTokens(e.currentTarget.value)}>
          <option value="">any HttpTokens</option>
          <option value="optional">optional</option>
          <option value="required">required</option>
        </select>
        <span class="muted" data-testid="fleet-count">
          {shown.length.toLocaleString("en")} of {all.length.toLocaleString("en")} instances
        </span>
        <span class="spacer" />
        <button
          type="button"
          disabled={selected.size === 0}
          onClick={() => setScope({ kind: "selection", ids: [...selected] })}
        >
          Settings for {selected.size} selected
        </button>
        <button type="button" onClick={() => setScope({ kind: "all", ids: all.map((r) => r.instanceId) })}>
          Settings for all
        </button>
      </div>
      <div class="table-wrap">
        <table class="fleet">
          <thead>
            <tr>
              <th>
                <input type="checkbox" aria-label="Select this page" checked={pageSelected} onChange={togglePage} />
              </th>
              <th>Instance</th>
              <th>Type</th>
              <th>Zone</th>
              <th>Source addresses</th>
              <th>HttpEndpoint</th>
              <th>HttpTokens</th>
              <th>Tags</th>
              <th>RAM role</th>
              <th>Spot / events</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.instanceId} data-instance={r.instanceId}>
                <td>
                  <input
                    type="checkbox"
                    aria-label={`Select ${r.instanceId}`}
                    checked={selected.has(r.instanceId)}
                    onChange={() => toggle(r.instanceId)}
                  />
                </td>
                <td>
                  <div class="mono">{r.instanceId}</div>
                  <div class="muted small">
                    {r.instanceName}
                    {r.isDefault ? <span class="badge">default</span> : null}
                  </div>
                </td>
                <td>{r.instanceType}</td>
                <td>{r.zoneId}</td>
                <td class="mono small">{r.sourceAddresses.join(", ")}</td>
                <td>
                  <Flag on={r.metadataOptions.HttpEndpoint === "enabled"} text={r.metadataOptions.HttpEndpoint} />
                </td>
                <td>
                  <span class={`badge ${r.metadataOptions.HttpTokens === "required" ? "good" : "warn"}`}>
                    {r.metadataOptions.HttpTokens}
                  </span>
                </td>
                <td>{r.metadataOptions.InstanceMetadataTags}</td>
                <td class="mono small">{r.role ?? <span class="muted">—</span>}</td>
                <td class="small">
                  {r.spotTerminationTime ? <div>spot: {r.spotTerminationTime}</div> : null}
                  {r.systemEvents.map((e) => (
                    <div key={e.eventId}>{e.eventType}</div>
                  ))}
                  {!r.spotTerminationTime && r.systemEvents.length === 0 ? <span class="muted">—</span> : null}
                </td>
                <td>
                  <button type="button" class="small" onClick={() => setScope({ kind: "one", ids: [r.instanceId] })}>
                    Settings
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div class="pager">
        <button type="button" disabled={current === 0} onClick={() => setPage(current - 1)}>
          ← Previous
        </button>
        <span>
          Page {current + 1} of {pages}
        </span>
        <button type="button" disabled={current >= pages - 1} onClick={() => setPage(current + 1)}>
          Next →
        </button>
      </div>
      {scope && (
        <Settings
          scope={scope}
          instances={all}
          window={store.chart.window}
          onClose={(changed) => {
            setScope(null)
            if (changed) store.refresh()
          }}
        />
      )}
    </section>
  )
}

const Flag = ({ on, text }: { on: boolean; text: string }) => <span class={`badge ${on ? "" : "bad"}`}>{text}</span>
