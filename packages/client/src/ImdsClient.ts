// The Effect API: `ImdsClient`, a service assembling transport, access-mode policy, typed accessors and the RAM
// credentials provider from validated options. Layers read the environment through `Config`; `make` never does.
import { Clock, Context, Effect, Layer, Option } from "effect"
import { FetchHttpClient, HttpClient } from "effect/http"
import { type MetadataAccessors, makeAccessors } from "./Accessors.ts"
import { type ImdsClientOptions, type ImdsMode, loadOptions, type ResolvedOptions } from "./Config.ts"
import {
  type CredentialsProvider,
  type CredentialsProviderOptions,
  makeCredentialsProvider
} from "./CredentialsProvider.ts"
import { decodeText, type ListingEntry } from "./Decoders.ts"
import type { AccessMode, ImdsError, InvalidOptions } from "./Errors.ts"
import { type InventoryAccessors, makeInventory } from "./Inventory.ts"
import { makeRamAccessors, type RamAccessors } from "./RamCredentials.ts"
import { makeRead, type Read } from "./Read.ts"
import { type ImdsResponse, makeRequester } from "./Requester.ts"
import type { SessionToken } from "./TokenCache.ts"
import { makeSend } from "./Transport.ts"

export interface ImdsClientApi extends MetadataAccessors, InventoryAccessors, RamAccessors {
  /** The resolved base URL. */
  readonly endpoint: string
  readonly mode: ImdsMode
  /** Raw GET: the exact bytes plus the mode and attempts used. `path` is relative to `/latest/` or absolute. */
  readonly get: (path: string) => Read<ImdsResponse>
  /** A leaf as UTF-8 text. */
  readonly getText: (path: string) => Read<string>
  /**
   * Raw GET with a token the caller already holds (one saved from `token`, or handed over by another process): a 401
   * fails with `Unauthorized` and is never papered over with a fresh token. Works in any mode.
   */
  readonly getWithToken: (path: string, token: string) => Read<ImdsResponse>
  /**
   * A session token (`PUT /latest/api/token` with the configured TTL), with its expiry by this client's clock: the
   * one the client is using, or a fresh one shared by concurrent callers. Works in any mode.
   */
  readonly token: Read<SessionToken>
  /** A directory listing (`meta-data/`, `meta-data/network/interfaces/macs/`…). */
  readonly list: (path: string) => Read<ReadonlyArray<ListingEntry>>
  /** Mode of the most recent successful request. */
  readonly lastMode: Effect.Effect<Option.Option<AccessMode>>
  /** A caching RAM credentials provider over this client (one cache per call of this function). */
  readonly credentialsProvider: (
    options?: CredentialsProviderOptions
  ) => CredentialsProvider<ImdsError | InvalidOptions>
}

/** Builds a client from validated options; needs an `HttpClient` (use `FetchHttpClient.layer`). */
export const makeImdsClient = Effect.fnUntraced(function* (options: ResolvedOptions) {
  const http = yield* HttpClient.HttpClient
  const customNow = options.now
  const now = customNow === null ? Clock.currentTimeMillis : Effect.sync(customNow)
  const requester = makeRequester(makeSend(http, options), options, now)
  const read = makeRead(requester)
  const ram = makeRamAccessors(read)
  const api: ImdsClientApi = {
    ...makeAccessors(read),
    ...makeInventory(read),
    ...ram,
    endpoint: options.endpoint,
    mode: options.mode,
    get: requester.request,
    getWithToken: requester.requestWithToken,
    token: requester.session,
    getText: (path) => Effect.map(requester.request(path), (response) => decodeText(response.body)),
    list: read.listing,
    lastMode: Effect.sync(() => Option.fromNullishOr(requester.lastMode())),
    credentialsProvider: (providerOptions = {}) =>
      makeCredentialsProvider(ram.ramCredentials(providerOptions.role), now, providerOptions)
  }
  return api
})

export class ImdsClient extends Context.Service<ImdsClient, ImdsClientApi>()("@aliyun-imds/client/ImdsClient") {
  /** From options and the environment (`ALIBABA_CLOUD_IMDS_ENDPOINT`, `ALIBABA_CLOUD_IMDSV1_DISABLED`), over the
   * `HttpClient` in context. */
  static readonly layerNoDeps = (options: ImdsClientOptions = {}) =>
    Layer.effect(ImdsClient, Effect.flatMap(loadOptions(options), makeImdsClient))

  /** `layerNoDeps` over fetch: runs on Node ≥ 22 and Bun. */
  static readonly layer = (options: ImdsClientOptions = {}) =>
    ImdsClient.layerNoDeps(options).pipe(Layer.provide(FetchHttpClient.layer))
}
