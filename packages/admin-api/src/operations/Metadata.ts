// Reading and editing what an instance serves: set or delete any meta-data item (an override, like the fleet file's
// `overrides`), and render any path exactly as the instance would receive it, bypassing only the access policy.
import { Schema } from "effect"
import { json, operation, raw } from "../Operation.ts"
import { InstanceRef } from "../Views.ts"

export const SetMetadataRequest = Schema.Struct({
  value: Schema.String.annotate({ description: "The item's exact body (no trailing newline is added)." })
}).annotate({ identifier: "SetMetadata" })

export const MetadataItem = Schema.Struct({
  instanceId: Schema.String,
  /** Relative to `meta-data/`. */
  path: Schema.String,
  /** Null when the item was deleted. */
  value: Schema.NullOr(Schema.String)
})

export const RenderQuery = Schema.Struct({
  audience: Schema.optionalKey(Schema.String.annotate({ description: "For `dynamic/instance-identity/pkcs7`." }))
})

/** `{id}` and `{path+}`: an instance and a path below the operation's prefix. */
export const MetadataParams = Schema.Struct({
  id: InstanceRef,
  path: Schema.String.annotate({ description: "A path below the prefix, e.g. `instance/instance-type`." })
})

const rendered = raw("text/plain", "The exact bytes the instance would be served.")

const tag = "Metadata"

export const metadataOperations = {
  GetMetadataItem: operation({
    method: "GET",
    path: "/v1/instances/{id}/metadata/{path+}",
    tag,
    summary: "Render a meta-data path (relative to `meta-data/`) as the instance sees it",
    params: MetadataParams,
    errors: [404],
    success: rendered
  }),
  RenderPath: operation({
    method: "GET",
    path: "/v1/instances/{id}/render/{path+}",
    tag,
    summary: "Render any metadata-service path (e.g. `latest/user-data`) as the instance sees it",
    params: MetadataParams,
    query: RenderQuery,
    errors: [404],
    success: rendered
  }),
  SetMetadataItem: operation({
    method: "PUT",
    path: "/v1/instances/{id}/metadata/{path+}",
    tag,
    summary: "Set (create or replace) a meta-data item",
    params: MetadataParams,
    body: SetMetadataRequest,
    errors: [404],
    success: json(MetadataItem)
  }),
  DeleteMetadataItem: operation({
    method: "DELETE",
    path: "/v1/instances/{id}/metadata/{path+}",
    tag,
    summary: "Delete a meta-data item and everything under it",
    params: MetadataParams,
    errors: [404],
    success: json(MetadataItem)
  })
}
