// The CloudMonitor "ECS Metadata" page: per instance or for the fleet, requests over virtual time — normal-mode
// successes (which must fall to zero before forced hardened mode is safe) and refusals, token reads and issues,
// token refusals by reason, throttled — live from the series stream, over 1h, 6h, 1d or 7d with a chosen step.
import { useEffect, useMemo, useRef } from "preact/hooks"
import uPlot from "uplot"
import "uplot/dist/uPlot.min.css"
import type { ChartQuery, SeriesData, Store } from "./store.ts"

const steps: Record<ChartQuery["window"], ReadonlyArray<string>> = {
  "1h": ["30s", "1m", "5m", "10m"],
  "6h": ["3m", "6m", "15m", "30m"],
  "1d": ["12m", "24m", "1h", "2h"],
  "7d": ["84m", "168m", "504m"]
}

interface Line {
  readonly metric: string
  readonly label: string
  readonly color: string
}

const charts: ReadonlyArray<{ readonly title: string; readonly lines: ReadonlyArray<Line> }> = [
  {
    title: "Normal mode (token-less)",
    lines: [
      { metric: "normalOk", label: "Successful normal mode accesses", color: "#e8590c" },
      { metric: "normalRejected", label: "Normal mode refused (hardened)", color: "#868e96" }
    ]
  },
  {
    title: "Security hardening mode (token)",
    lines: [
      { metric: "tokenOk", label: "Token reads", color: "#2f9e44" },
      { metric: "tokensIssued", label: "Tokens issued", color: "#1c7ed6" }
    ]
  },
  {
    title: "Refusals",
    lines: [
      { metric: "tokenRefused.expired", label: "Token expired", color: "#c92a2a" },
      { metric: "tokenRefused.not-yet-valid", label: "Token from the virtual future", color: "#e8590c" },
      { metric: "tokenRefused.malformed", label: "Token malformed", color: "#d6336c" },
      { metric: "tokenRefused.bad-mac", label: "Token forged", color: "#ae3ec9" },
      { metric: "tokenRefused.foreign-instance", label: "Other instance's token", color: "#7048e8" },
      { metric: "tokenRefused.forwarded", label: "Forwarded token PUT", color: "#4263eb" },
      { metric: "tokenRefused.invalid-ttl", label: "Invalid TTL", color: "#1098ad" },
      { metric: "throttled", label: "Throttled", color: "#f08c00" }
    ]
  }
]

export const Charts = ({ store }: { store: Store }) => {
  const { chart, setChart, series } = store
  const ids = useMemo(() => (store.instances ?? []).map((r) => r.instanceId), [store.instances])
  const set = (patch: Partial<ChartQuery>) => setChart({ ...chart, ...patch })
  return (
    <section aria-label="Charts">
      <div class="toolbar">
        <label>
          Instance{" "}
          <input
            list="instance-ids"
            placeholder="whole fleet"
            aria-label="Instance (empty: whole fleet)"
            value={chart.instance ?? ""}
            onChange={(e) => {
              const v = e.currentTarget.value.trim()
              set({ instance: v === "" ? null : v })
            }}
          />
          <datalist id="instance-ids">
            {ids.slice(0, 200).map((id) => (
              <option value={id} key={id} />
            ))}
          </datalist>
        </label>
        <label>
          Window{" "}
          <select
            value={chart.window}
            onChange={(e) => set({ window: e.currentTarget.value as ChartQuery["window"], step: null })}
          >
            {Object.keys(steps).map((w) => (
              <option value={w} key={w}>
                {w}
              </option>
            ))}
          </select>
        </label>
        <label>
          Step{" "}
          <select value={chart.step ?? steps[chart.window][0]} onChange={(e) => set({ step: e.currentTarget.value })}>
            {steps[chart.window].map((s) => (
              <option value={s} key={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <span class={`badge ${store.live ? "good" : "bad"}`} data-testid="live">
          {store.live ? "live" : "reconnecting"}
        </span>
      </div>
      <Totals series={series} />
      {charts.map((c) => (
        <Chart key={c.title} title={c.title} lines={c.lines} series={series} />
      ))}
    </section>
  )
}

const Totals = ({ series }: { series: SeriesData | null }) => {
  const t = series?.totals ?? {}
  const refused = Object.entries(t)
    .filter(([k]) => k.startsWith("tokenRefused."))
    .reduce((a, [, n]) => a + n, 0)
  const cards = [
    ["Successful normal mode accesses", t.normalOk, "normalOk"],
    ["Normal mode refused", t.normalRejected, "normalRejected"],
    ["Token reads", t.tokenOk, "tokenOk"],
    ["Tokens issued", t.tokensIssued, "tokensIssued"],
    ["Token refusals", refused, "tokenRefused"],
    ["Throttled", t.throttled, "throttled"]
  ] as const
  return (
    <div class="cards">
      {cards.map(([label, n, key]) => (
        <div class={`card ${key === "normalOk" && (n ?? 0) > 0 ? "hot" : ""}`} key={key} data-testid={`total-${key}`}>
          <div class="value">{(n ?? 0).toLocaleString("en")}</div>
          <div class="muted small">
            {label} · {series?.window ?? "…"}
          </div>
        </div>
      ))}
    </div>
  )
}

/** Requests are whole numbers: no 0.25 ticks. */
const counts = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1e3, 2e3, 5e3, 1e4, 2e4, 5e4, 1e5, 1e6, 1e7]
const textColor = () => getComputedStyle(document.body).color
/** The resolved colour of the panels' borders (a canvas cannot read CSS variables). */
const gridColor = (el: Element) => getComputedStyle(el).borderTopColor

const Chart = (props: { title: string; lines: ReadonlyArray<Line>; series: SeriesData | null }) => {
  const box = useRef<HTMLDivElement>(null)
  const plot = useRef<uPlot | null>(null)
  const dataOf = (s: SeriesData | null): uPlot.AlignedData => [
    (s?.times ?? []).map((t) => t / 1000),
    ...props.lines.map((l) => [...(s?.metrics[l.metric] ?? [])])
  ]
  useEffect(() => {
    const el = box.current!
    const make = () => {
      plot.current?.destroy()
      const grid = gridColor(el.parentElement!)
      const axis = { stroke: textColor(), grid: { stroke: grid, width: 1 }, ticks: { stroke: grid } }
      plot.current = new uPlot(
        {
          width: Math.max(320, el.clientWidth),
          height: 220,
          cursor: { drag: { x: false, y: false } },
          // The header shows virtual time in UTC: so do the axes.
          tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), "Etc/UTC"),
          scales: { y: { range: (_u, _min, max) => [0, Math.max(1, max * 1.1)] } },
          axes: [axis, { ...axis, size: 56, incrs: counts }],
          series: [
            { label: "time" },
            ...props.lines.map((l) => ({
              label: l.label,
              stroke: l.color,
              width: 2,
              fill: `${l.color}18`,
              points: { show: false }
            }))
          ]
        },
        dataOf(props.series),
        el
      )
    }
    make()
    const resize = new ResizeObserver(() =>
      plot.current?.setSize({ width: Math.max(320, el.clientWidth), height: 220 })
    )
    resize.observe(el)
    const theme = new MutationObserver(make)
    theme.observe(document.documentElement, { attributes: true, attributeFilter: ["data-theme"] })
    return () => {
      resize.disconnect()
      theme.disconnect()
      plot.current?.destroy()
      plot.current = null
    }
  }, [])
  useEffect(() => {
    plot.current?.setData(dataOf(props.series))
  }, [props.series])
  return (
    <figure class="chart" data-testid={`chart-${props.lines[0]!.metric}`}>
      <figcaption>{props.title}</figcaption>
      <div ref={box} />
    </figure>
  )
}
