// The packet-analyzer view: the journal's new entries as they arrive on the stream, newest first, filtered by
// instance, mode, status and calling process.
import { useMemo, useState } from "preact/hooks"
import type { JournalRow, Store } from "./store.ts"

const modes = ["", "normal", "token", "none"] as const

const processText = (r: JournalRow) =>
  r.process ? `${r.process.pid} ${r.process.exe ?? ""} ${r.process.cmdline}` : (r.processMiss ?? "")

export const Journal = ({ store }: { store: Store }) => {
  const [instance, setInstance] = useState("")
  const [mode, setMode] = useState("")
  const [status, setStatus] = useState("")
  const [process, setProcess] = useState("")
  const rows = useMemo(() => {
    const p = process.trim().toLowerCase()
    return store.journal
      .filter(
        (r) =>
          (instance === "" || (r.instanceId ?? "").includes(instance.trim())) &&
          (mode === "" || r.mode === mode) &&
          (status === "" || String(r.status) === status.trim()) &&
          (p === "" || processText(r).toLowerCase().includes(p))
      )
      .slice(-300)
      .reverse()
  }, [store.journal, instance, mode, status, process])
  return (
    <section aria-label="Journal">
      <div class="toolbar">
        <input
          aria-label="Instance filter"
          placeholder="instance"
          value={instance}
          onInput={(e) => setInstance(e.currentTarget.value)}
        />
        <select aria-label="Mode filter" value={mode} onChange={(e) => setMode(e.currentTarget.value)}>
          {modes.map((m) => (
            <option value={m} key={m}>
              {m === "" ? "any mode" : m}
            </option>
          ))}
        </select>
        <input
          aria-label="Status filter"
          placeholder="status"
          inputMode="numeric"
          size={6}
          value={status}
          onInput={(e) => setStatus(e.currentTarget.value)}
        />
        <input
          aria-label="Process filter"
          placeholder="process (pid, exe, command)"
          value={process}
          onInput={(e) => setProcess(e.currentTarget.value)}
        />
        <span class={`badge ${store.live ? "good" : "bad"}`} data-testid="live">
          {store.live ? "live" : "reconnecting"}
        </span>
        <span class="muted">
          {rows.length} shown · tailing live ({store.journal.length} received)
        </span>
        <span class="spacer" />
        <button type="button" onClick={store.clearJournal}>
          Clear view
        </button>
      </div>
      <div class="table-wrap">
        <table class="journal">
          <thead>
            <tr>
              <th>Time (virtual)</th>
              <th>Instance</th>
              <th>Peer</th>
              <th>Request</th>
              <th>Mode</th>
              <th>Status</th>
              <th>Process / user agent</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.seq} data-seq={r.seq}>
                <td class="mono small">{new Date(r.time).toISOString().slice(11, 23)}</td>
                <td class="mono small nowrap">{r.instanceId ?? "—"}</td>
                <td class="mono small">{r.peerAddress}</td>
                <td class="mono small nowrap">
                  {r.method} {r.path}
                </td>
                <td>
                  <span class={`badge ${r.mode === "normal" ? "warn" : r.mode === "none" ? "" : "good"}`}>
                    {r.mode}
                  </span>
                </td>
                <td class={r.status >= 400 ? "error" : ""}>{r.status}</td>
                <td class="small clip" title={processText(r)}>
                  {r.process ? (
                    <span class="mono">
                      {r.process.pid} {r.process.cmdline}
                    </span>
                  ) : (
                    <span class="muted">{r.userAgent ?? r.processMiss ?? ""}</span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {rows.length === 0 && (
          <p class="muted empty">No requests yet: they appear here as the metadata listener answers them.</p>
        )}
      </div>
    </section>
  )
}
