// The live state of one instance: its model plus everything the admin plane or the virtual clock changes at run
// time (attached role and its credential schedule, scheduled spot reclaim and system events). Immutable values:
// every change produces a new state with a higher `revision`, which render caches key on.
import type { Instance, RamRole } from "./Instance.ts"

/** An attached role and the anchor of its credential schedule (see RamCredentials.ts). */
export interface RoleState extends RamRole {
  /** Virtual time (epoch ms) when the current credential series started (attach or forced rotation). */
  readonly anchorMs: number
  /** Bumped by every forced rotation, so a new series yields new keys. */
  readonly generation: number
  /** Series ended by forced rotations whose keys have not all expired yet, newest first (real STS keys stay valid
   * until their Expiration, rotation or not). */
  readonly retired: ReadonlyArray<RetiredSeries>
}

/** A credential series a forced rotation ended at `endedMs`: its credentials from up to then stay valid to expiry. */
export interface RetiredSeries {
  readonly generation: number
  readonly anchorMs: number
  readonly endedMs: number
}

/** A scheduled system event (maintenance/active-system-events), shaped like ECS DescribeInstancesFullStatus. */
export interface SystemEvent {
  readonly eventId: string
  /** e.g. `SystemMaintenance.Reboot`, `SystemFailure.Reboot`, `InstanceExpiration.Stop`. */
  readonly eventType: string
  /** Epoch ms when the event is published (visible from then on, on the virtual clock). */
  readonly publishMs: number
  /** Epoch ms of the planned execution. */
  readonly notBeforeMs: number
}

export interface InstanceState {
  readonly instance: Instance
  readonly role: RoleState | null
  /** Epoch ms of the spot reclaim; `instance/spot/termination-time` is 404 while null. */
  readonly spotTerminationMs: number | null
  readonly systemEvents: ReadonlyArray<SystemEvent>
  readonly revision: number
}

/** Fleet-wide switches for behaviour the spec marks unknown ([?]); defaults follow the spec's suggestions. */
export interface WireOptions {
  /** `Content-Type` of every 200 body. */
  readonly contentType: string
  /** The real credential JSON starts with one space (` {`); clients tolerate both. */
  readonly credentialLeadingSpace: boolean
  /** Serve `meta-data/all`; when false it is 404 so the cloud-init crawl fallback can be exercised. */
  readonly metaDataAll: boolean
  /** Body of `maintenance/active-system-events` when nothing is active: 404, or a literal such as `None`. */
  readonly emptySystemEvents: { readonly _tag: "NotFound" } | { readonly _tag: "Body"; readonly body: string }
  /** What a GET on the token path does, when the file says ("405" or "issue"); else the server's setting. */
  readonly tokenGet?: "405" | "issue"
}

export const defaultWireOptions: WireOptions = {
  contentType: "text/plain",
  credentialLeadingSpace: true,
  metaDataAll: true,
  emptySystemEvents: { _tag: "NotFound" }
}
