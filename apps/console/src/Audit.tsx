// The audit: who still reads without a token — normal-mode callers grouped by process (or peer and user agent when
// the process is unknown), per instance — the list to work through before forcing hardened mode.
import type { AdminOutput } from "@aliyun-imds/admin-api"
import { useEffect, useState } from "preact/hooks"
import { call } from "./api.ts"

type AuditData = AdminOutput<"DescribeAudit">

export const Audit = () => {
  const [since, setSince] = useState("1h")
  const [refused, setRefused] = useState(false)
  const [data, setData] = useState<AuditData | null>(null)
  const [error, setError] = useState<string | null>(null)
  const load = () =>
    call("DescribeAudit", { query: { since, refused: refused ? "true" : "false" } }).then(
      (d) => {
        setData(d)
        setError(null)
      },
      (e: Error) => setError(e.message)
    )
  useEffect(() => {
    void load()
    const timer = setInterval(() => document.visibilityState === "visible" && load(), 3000)
    return () => clearInterval(timer)
  }, [since, refused])
  return (
    <section aria-label="Audit">
      <div class="toolbar">
        <label>
          Since{" "}
          <select value={since} onChange={(e) => setSince(e.currentTarget.value)}>
            {["15m", "1h", "6h", "1d", "7d"].map((s) => (
              <option value={s} key={s}>
                last {s}
              </option>
            ))}
          </select>
        </label>
        <label>
          <input type="checkbox" checked={refused} onChange={(e) => setRefused(e.currentTarget.checked)} /> include
          refused requests
        </label>
        {data && data.journalDropped > 0 && (
          <span class="badge warn">{data.journalDropped} journal entries overwritten: groups are incomplete</span>
        )}
      </div>
      {error && <p class="error">{error}</p>}
      {data && data.groups.length === 0 && (
        <p class="ok">No token-less callers in this window: every reader uses security hardening mode.</p>
      )}
      {data && data.groups.length > 0 && (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th>Caller</th>
                <th>Instance</th>
                <th>Normal</th>
                <th>Refused</th>
                <th>Paths</th>
                <th>Last seen (virtual)</th>
              </tr>
            </thead>
            <tbody>
              {data.groups.map((g, i) => (
                <tr key={i}>
                  <td class="small">
                    {g.process ? (
                      <div class="mono">{g.process.cmdline || g.process.exe}</div>
                    ) : (
                      <div class="muted">process unknown ({g.processMiss})</div>
                    )}
                    <div class="muted">
                      {g.peerAddress} {g.userAgents.join(", ")}
                    </div>
                  </td>
                  <td class="mono small">{g.instanceId ?? "—"}</td>
                  <td>{g.normal}</td>
                  <td>{g.refused}</td>
                  <td class="mono small">
                    {g.paths.slice(0, 4).map((p) => (
                      <div key={p.path}>
                        {p.path} ×{p.count}
                      </div>
                    ))}
                  </td>
                  <td class="small">{g.last}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  )
}
