// What several views share: the instances, the virtual clock, and the live stream of series points and journal
// entries (one fetch-based Server-Sent Events connection, reopened when the chart's query changes).
import type { AdminOutput } from "@aliyun-imds/admin-api"
import { useCallback, useEffect, useState } from "preact/hooks"
import { call, follow } from "./api.ts"

export type InstanceRow = AdminOutput<"DescribeInstances">["instances"][number]
export type SeriesData = AdminOutput<"DescribeSeries">
export type JournalRow = AdminOutput<"DescribeJournal">["entries"][number]
export type ClockData = AdminOutput<"GetClock">

export interface ChartQuery {
  readonly instance: string | null
  readonly window: "1h" | "6h" | "1d" | "7d"
  readonly step: string | null
}

export interface Store {
  readonly instances: ReadonlyArray<InstanceRow> | null
  readonly clock: ClockData | null
  readonly series: SeriesData | null
  readonly journal: ReadonlyArray<JournalRow>
  readonly live: boolean
  readonly chart: ChartQuery
  readonly setChart: (q: ChartQuery) => void
  readonly refresh: () => void
  readonly clearJournal: () => void
}

const journalKept = 1000

export const useStore = (): Store => {
  const [instances, setInstances] = useState<ReadonlyArray<InstanceRow> | null>(null)
  const [clock, setClock] = useState<ClockData | null>(null)
  const [series, setSeries] = useState<SeriesData | null>(null)
  const [journal, setJournal] = useState<ReadonlyArray<JournalRow>>([])
  const [live, setLive] = useState(false)
  const [chart, setChart] = useState<ChartQuery>({ instance: null, window: "1h", step: null })
  const [generation, setGeneration] = useState(0)

  const refresh = useCallback(() => {
    setGeneration((g) => g + 1)
    call("DescribeInstances")
      .then((r) => setInstances(r.instances))
      .catch(() => {})
    call("GetClock")
      .then(setClock)
      .catch(() => {})
  }, [])
  useEffect(refresh, [])
  useEffect(() => {
    const timer = setInterval(() => {
      if (document.visibilityState === "visible") call("GetClock").then(setClock, () => {})
    }, 2000)
    return () => clearInterval(timer)
  }, [])

  useEffect(() => {
    const abort = new AbortController()
    let stopped = false
    const open = async () => {
      while (!stopped) {
        try {
          const query = {
            window: chart.window,
            journal: "true",
            ...(chart.instance === null ? {} : { instance: chart.instance }),
            ...(chart.step === null ? {} : { step: chart.step })
          }
          await follow(
            "StreamSeries",
            { query },
            (event, data) => {
              setLive(true)
              if (event === "series") {
                const s = data as SeriesData
                setSeries(s)
                setClock((c) => (c === null ? c : { ...c, now: s.now, time: new Date(s.now).toISOString() }))
              } else if (event === "journal") {
                const entries = (data as { entries: ReadonlyArray<JournalRow> }).entries
                setJournal((j) => [...j, ...entries].slice(-journalKept))
              }
            },
            abort.signal
          )
        } catch {
          // A refused or dropped stream is retried; a 401 has already asked for the token.
        }
        setLive(false)
        if (!stopped) await new Promise((r) => setTimeout(r, 1000))
      }
    }
    void open()
    return () => {
      stopped = true
      abort.abort()
    }
  }, [chart.instance, chart.window, chart.step, generation])

  return {
    instances,
    clock,
    series,
    journal,
    live,
    chart,
    setChart,
    refresh,
    clearJournal: () => setJournal([])
  }
}
