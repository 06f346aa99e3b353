// Reading and editing what an instance serves: set or delete any meta-data item (an override, like the fleet file's
// `overrides`), and render any path exactly as the instance would receive it, bypassing only the access policy.
import { identityDocument, PathNotFound, resolve } from "@aliyun-imds/core"
import { Effect, Schema } from "effect"
import type { AdminDeps } from "../AdminDeps.ts"
import { type AdminRoute, jsonRoute, rawReply, rawRoute } from "../Route.ts"
import { stateOf } from "../views.ts"

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

/** The still-encoded path after `/v1/instances/<id>/<kind>/`, so the tree decodes segments itself as on the wire. */
const rawRest = (url: URL): string => url.pathname.split("/").slice(5).join("/")

const trimSlashes = (path: string) => path.replace(/^\/+|\/+$/g, "")

const tag = "Metadata"

export const metadataRoutes = ({ services }: AdminDeps): ReadonlyArray<AdminRoute> => {
  const { fleet, clock, identity } = services
  const render = (id: string, path: string, audience: string | undefined) =>
    Effect.gen(function* () {
      const state = yield* stateOf(fleet, id)
      const query = audience === undefined ? null : new URLSearchParams({ audience })
      const ctx = { now: yield* clock.now, wire: fleet.wireUnsafe(), credentialSecret: fleet.credentialSecret }
      const resolved = resolve(state, path, query, ctx)
      if (resolved._tag === "NotFound") return yield* new PathNotFound({ path })
      const body =
        resolved._tag === "Body"
          ? resolved.body
          : yield* identity.sign(identityDocument(state.instance), resolved.audience)
      return rawReply(body, fleet.wireUnsafe().contentType)
    })
  const patch = (id: string, path: string, value: string | null) =>
    Effect.map(
      Effect.flatMap(stateOf(fleet, id), (s) => fleet.patch(s.instance.instanceId, path, value)),
      (state) => ({ instanceId: state.instance.instanceId, path: trimSlashes(path), value })
    )
  const produces = { contentType: "text/plain", description: "The exact bytes the instance would be served." }
  return [
    rawRoute({
      method: "GET",
      path: "/v1/instances/:id/metadata/:path{.+}",
      operationId: "getMetadata",
      tag,
      summary: "Render a meta-data path (relative to `meta-data/`) as the instance sees it",
      errors: [404],
      produces,
      handle: ({ url, params }) => render(params.id!, `/latest/meta-data/${rawRest(url)}`, undefined)
    }),
    rawRoute({
      method: "GET",
      path: "/v1/instances/:id/render/:path{.+}",
      operationId: "renderPath",
      tag,
      summary: "Render any metadata-service path (e.g. `latest/user-data`) as the instance sees it",
      query: RenderQuery,
      errors: [404],
      produces,
      handle: ({ url, params, query }) => render(params.id!, `/${rawRest(url)}`, query.audience)
    }),
    jsonRoute({
      method: "PUT",
      path: "/v1/instances/:id/metadata/:path{.+}",
      operationId: "setMetadata",
      tag,
      summary: "Set (create or replace) a meta-data item",
      body: SetMetadataRequest,
      errors: [404],
      response: MetadataItem,
      handle: ({ params, body }) => patch(params.id!, params.path!, body.value)
    }),
    jsonRoute({
      method: "DELETE",
      path: "/v1/instances/:id/metadata/:path{.+}",
      operationId: "deleteMetadata",
      tag,
      summary: "Delete a meta-data item and everything under it",
      errors: [404],
      response: MetadataItem,
      handle: ({ params }) => patch(params.id!, params.path!, null)
    })
  ]
}
