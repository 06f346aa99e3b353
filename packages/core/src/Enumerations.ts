// The closed sets of values the emulator speaks in, defined once with what each value means: ECS metadata options,
// journal modes, fault routes and system event types. Light on purpose (Schema only), so a CLI can load it alone.
import { Schema } from "effect"

export const HttpEndpoint = Schema.Literals(["enabled", "disabled"]).annotate({
  description: "disabled: every metadata request gets 403"
})
export type HttpEndpoint = typeof HttpEndpoint.Type

export const HttpTokens = Schema.Literals(["optional", "required"]).annotate({
  description: "required: forced hardened mode (token-less reads get 403)"
})
export type HttpTokens = typeof HttpTokens.Type

export const InstanceMetadataTags = Schema.Literals(["enabled", "disabled"]).annotate({
  description: "enabled: serve the instance's tags under meta-data/tags/instance/"
})
export type InstanceMetadataTags = typeof InstanceMetadataTags.Type

/** What ECS gives an instance that sets none (spec §11). */
export const defaultMetadataOptions = {
  HttpEndpoint: "enabled",
  HttpTokens: "optional",
  InstanceMetadataTags: "disabled"
} as const satisfies { HttpEndpoint: HttpEndpoint; HttpTokens: HttpTokens; InstanceMetadataTags: InstanceMetadataTags }

/** How a request authenticated: token-less, with a token, or not applicable (e.g. the token PUT itself). */
export const JournalMode = Schema.Literals(["normal", "token", "none"]).annotate({
  description: "normal: token-less reads; token: with a token; none: token PUTs and the like"
})
export type JournalMode = typeof JournalMode.Type

/** Which requests a fault rule matches. */
export const FaultRoute = Schema.Literals(["token", "metadata", "any"]).annotate({
  description: "token: the token PUT; metadata: everything else; any (default)"
})
export type FaultRoute = typeof FaultRoute.Type

/** An ECS system event type, `Category.Action` as DescribeInstanceHistoryEvents names them. */
export const SystemEventType = Schema.String.check(
  Schema.isPattern(/^[A-Za-z]+(\.[A-Za-z]+)+$/, { expected: 'an ECS event type such as "SystemMaintenance.Reboot"' })
).annotate({ description: 'An ECS event type, e.g. "SystemMaintenance.Reboot" or "SystemFailure.Redeploy".' })
