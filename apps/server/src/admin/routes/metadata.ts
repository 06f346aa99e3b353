// Reading and editing what an instance serves: set or delete any meta-data item (an override), and render any path
// exactly as the instance would receive it, bypassing only the access policy.
import { identityDocument, PathNotFound, resolve } from "@aliyun-imds/core"
import { Effect } from "effect"
import type { AdminDeps } from "../AdminDeps.ts"
import type { AdminHandlers } from "../Handlers.ts"
import { stateOf } from "../views.ts"

/** The still-encoded path after `/v1/instances/<id>/<kind>/`, so the tree decodes segments itself as on the wire. */
const rawRest = (url: URL): string => url.pathname.split("/").slice(5).join("/")

const trimSlashes = (path: string) => path.replace(/^\/+|\/+$/g, "")

export const metadataHandlers = ({ services }: AdminDeps) => {
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
      return { body, contentType: fleet.wireUnsafe().contentType }
    })
  const patch = (id: string, path: string, value: string | null) =>
    Effect.map(
      Effect.flatMap(stateOf(fleet, id), (s) => fleet.patch(s.instance.instanceId, path, value)),
      (state) => ({ instanceId: state.instance.instanceId, path: trimSlashes(path), value })
    )
  return {
    GetMetadataItem: ({ url, params }) => render(params.id, `/latest/meta-data/${rawRest(url)}`, undefined),
    RenderPath: ({ url, params, query }) => render(params.id, `/${rawRest(url)}`, query.audience),
    SetMetadataItem: ({ params, body }) => patch(params.id, params.path, body.value),
    DeleteMetadataItem: ({ params }) => patch(params.id, params.path, null)
  } satisfies Partial<AdminHandlers>
}
