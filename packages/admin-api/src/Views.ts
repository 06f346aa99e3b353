// JSON views of live instance state that several operations answer with (metadata options, role, credentials, system
// events, an instance summary), and the path parameters that name an instance. Times are ISO 8601 in UTC.
import { HttpEndpoint, HttpTokens, InstanceMetadataTags } from "@aliyun-imds/core"
import { Schema } from "effect"

/** Path value naming the fleet's default instance wherever an instance id is expected. */
export const defaultAlias = "default"

export const InstanceRef = Schema.String.annotate({
  description: 'An instance id, or "default" for the fleet\'s default instance.'
})

/** `{id}`: one instance. */
export const InstanceParams = Schema.Struct({ id: InstanceRef })

export const MetadataOptionsView = Schema.Struct({
  InstanceId: Schema.String,
  HttpEndpoint,
  HttpTokens,
  InstanceMetadataTags
}).annotate({ identifier: "MetadataOptions", description: "As ECS DescribeInstances reports MetadataOptions." })

export const RoleView = Schema.Struct({
  name: Schema.String,
  validitySeconds: Schema.Finite,
  overlapSeconds: Schema.Finite,
  /** Bumped by every forced rotation. */
  generation: Schema.Finite,
  seriesStart: Schema.String
}).annotate({ identifier: "Role", description: "The attached RAM role and the start of its credential series." })

export const CredentialView = Schema.Struct({
  AccessKeyId: Schema.String,
  AccessKeySecret: Schema.String,
  SecurityToken: Schema.String,
  Expiration: Schema.String,
  LastUpdated: Schema.String
}).annotate({
  identifier: "Credential",
  description: "RAM credentials, named and timed as the metadata JSON has them."
})

export const EventView = Schema.Struct({
  eventId: Schema.String,
  eventType: Schema.String,
  publishTime: Schema.String,
  notBefore: Schema.String
}).annotate({ identifier: "SystemEvent" })

export const InstanceSummary = Schema.Struct({
  instanceId: Schema.String,
  isDefault: Schema.Boolean,
  sourceAddresses: Schema.Array(Schema.String),
  regionId: Schema.String,
  zoneId: Schema.String,
  hostname: Schema.String,
  instanceName: Schema.String,
  instanceType: Schema.String,
  metadataOptions: MetadataOptionsView,
  role: Schema.NullOr(Schema.String),
  spotTerminationTime: Schema.NullOr(Schema.String),
  systemEvents: Schema.Array(EventView)
}).annotate({ identifier: "InstanceSummary" })
