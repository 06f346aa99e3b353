// Reading helpers shared by the accessors: a body as text, 404 as `Option.none`, a body through a Schema, and
// directory listings. Decoding failures become `InvalidResponse` naming the path.
import { Effect, Option, Schema } from "effect"
import { decodeText, type ListingEntry, parseListing } from "./Decoders.ts"
import { type ImdsError, InvalidResponse } from "./Errors.ts"
import type { ImdsResponse, Requester } from "./Requester.ts"

export type Read<A> = Effect.Effect<A, ImdsError>

export const invalidBody = (response: ImdsResponse, detail: string) =>
  new InvalidResponse({
    path: response.path,
    status: response.status,
    attempts: response.attempts,
    mode: response.mode,
    detail
  })

export const makeRead = (requester: Requester) => {
  const text = (path: string): Read<string> => Effect.map(requester.request(path), (r) => decodeText(r.body))

  /** 404 → None: for items that exist only on some instances. */
  const optional = <A>(read: Read<A>): Read<Option.Option<A>> =>
    read.pipe(
      Effect.map(Option.some),
      Effect.catchTag("NotFound", () => Effect.succeed(Option.none<A>()))
    )

  const decode = <A>(path: string, schema: Schema.Codec<A, string>): Read<A> =>
    Effect.flatMap(requester.request(path), (response) =>
      Schema.decodeUnknownEffect(schema)(decodeText(response.body)).pipe(
        Effect.mapError((error) => invalidBody(response, error.message))
      )
    )

  const listing = (path: string): Read<ReadonlyArray<ListingEntry>> =>
    Effect.map(text(path.endsWith("/") ? path : `${path}/`), parseListing)

  return { request: requester.request, text, optional, decode, listing }
}

export type Reader = ReturnType<typeof makeRead>
