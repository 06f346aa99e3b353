// What the admin handlers are given: the Effect runtime (for admin operations), the built services, the fleet
// source (for reload) and the metadata listener's address (for discovery).
import type { StateNotSaved } from "@aliyun-imds/core"
import type { Effect } from "effect"
import type { FleetSource } from "../FleetSource.ts"
import type { Logger } from "../Log.ts"
import type { CoreServices, Runtime } from "../Services.ts"
import type { ConsoleFiles } from "./ConsolePages.ts"

export interface AdminDeps {
  readonly runtime: Runtime
  readonly services: CoreServices
  readonly source: FleetSource
  readonly log: Logger
  /** Required `Authorization: Bearer …` value, or null when the listener is loopback-only and open. */
  readonly token: string | null
  readonly platformName: string
  /** Makes the state durable after a change (`--state`); a change is acknowledged only once it succeeds. */
  readonly saveState?: Effect.Effect<void, StateNotSaved>
  /** The metadata listener's base URL (filled once it listens). */
  readonly dataUrl: () => string
  /** The ECS API listener's URL, null while it is not listening (or off). */
  readonly ecsUrl: () => string | null
  /** The web console's files, served at `/`; absent or null: a page says how to build them. */
  readonly consoleFiles?: ConsoleFiles | null
  /** Request bodies above this many bytes are refused with 413 (default: ConnectionLimits.ts). */
  readonly bodyLimitBytes?: number
}
