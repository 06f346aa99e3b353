// The CloudMonitor chart: request counts per instance and for the fleet in time buckets on the virtual clock,
// fed by the counters, over 1h, 6h, 1d and 7d windows.
export { Series } from "./Series.ts"
export {
  type SeriesMetric,
  type SeriesPoints,
  type SeriesQuery,
  type SeriesWindow,
  seriesMetrics,
  seriesWindows,
  stepProblem
} from "./SeriesStore.ts"
