// The CloudMonitor view: per-instance counters of what the data plane did, and their Prometheus text.
export {
  type CounterEvent,
  CounterEvents,
  Counters,
  type CountersSaved,
  type CountersSnapshot,
  escapeLabelValue,
  type InstanceCounters,
  refusalEvent,
  type SavedCounters,
  tokenRefusalReasons
} from "./Counters.ts"
