// The seam between Hono handlers and the Effect core: one ManagedRuntime built from the core layers, and the built
// service objects pulled out once so the data plane's hot path can call their sync methods without a fiber.
import {
  Counters,
  EcsCalls,
  EcsResources,
  Faults,
  type FleetConfig,
  FleetStore,
  Identity,
  type IdentityPem,
  Journal,
  Series,
  Throttle,
  Tokens,
  VirtualClock
} from "@aliyun-imds/core"
import { Effect, Layer, ManagedRuntime } from "effect"

export interface CoreServices {
  readonly clock: VirtualClock["Service"]
  readonly fleet: FleetStore["Service"]
  readonly tokens: Tokens["Service"]
  readonly identity: Identity["Service"]
  readonly counters: Counters["Service"]
  readonly journal: Journal["Service"]
  readonly throttle: Throttle["Service"]
  readonly faults: Faults["Service"]
  readonly ecsResources: EcsResources["Service"]
  readonly ecsCalls: EcsCalls["Service"]
  readonly series: Series["Service"]
}

export type ServiceId =
  | VirtualClock
  | FleetStore
  | Tokens
  | Identity
  | Counters
  | Journal
  | Throttle
  | Faults
  | EcsResources
  | EcsCalls
  | Series

export type Runtime = ManagedRuntime.ManagedRuntime<ServiceId, unknown>

export interface CoreLayerOptions {
  readonly fleet: FleetConfig
  readonly identity?: IdentityPem | undefined
  readonly journalCapacity?: number
}

/** Every core service, all reading time from one VirtualClock (which also replaces Effect's Clock). */
export const coreLayer = (options: CoreLayerOptions) => {
  const identity = options.identity ? Identity.layerFromPem(options.identity) : Identity.layerGenerate
  const journal = options.journalCapacity ? Journal.layerWith({ capacity: options.journalCapacity }) : Journal.layer
  return Layer.mergeAll(
    FleetStore.layer(options.fleet),
    Tokens.layer,
    identity,
    Series.layerWithCounters,
    journal,
    Throttle.layer,
    Faults.layer,
    EcsResources.layer(options.fleet),
    EcsCalls.layer
  ).pipe(Layer.provideMerge(VirtualClock.layerWithClock))
}

export const buildServices = async (
  options: CoreLayerOptions
): Promise<{ runtime: Runtime; services: CoreServices }> => {
  const runtime: Runtime = ManagedRuntime.make(coreLayer(options))
  const services = await runtime.runPromise(
    Effect.all({
      clock: VirtualClock,
      fleet: FleetStore,
      tokens: Tokens,
      identity: Identity,
      counters: Counters,
      journal: Journal,
      throttle: Throttle,
      faults: Faults,
      ecsResources: EcsResources,
      ecsCalls: EcsCalls,
      series: Series
    })
  )
  return { runtime, services }
}
