// The Promise facade over the same implementation: `createImdsClient(options)`. Option results become `null`,
// typed errors are thrown as they are, and an AbortSignal per call interrupts the work (fetch, retries, backoff).
import { Cause, ConfigProvider, Effect, Exit, Option } from "effect"
import { FetchHttpClient } from "effect/http"
import type { IdentityVerification, MarketPlace, WsusServer } from "./Accessors.ts"
import { type ImdsClientOptions, loadOptions } from "./Config.ts"
import type { AlibabaCloudCredentialsProvider, CredentialsProviderOptions } from "./CredentialsProvider.ts"
import type { IdentityDocument, ListingEntry, MetaDataTree, RamCredentials, SystemEvent } from "./Decoders.ts"
import type { AccessMode } from "./Errors.ts"
import { type ImdsClientApi, makeImdsClient } from "./ImdsClient.ts"
import type { Disk, NetworkInterface, PublicKey } from "./Inventory.ts"
import type { ImdsResponse } from "./Requester.ts"
import type { SessionToken } from "./TokenCache.ts"

export interface CallOptions {
  /** Aborting rejects the call with `signal.reason` and stops its requests and retries. */
  readonly signal?: AbortSignal
}

export interface PromiseClientOptions extends ImdsClientOptions {
  /** Environment to read instead of `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>
  /** `fetch` implementation; default `globalThis.fetch`. */
  readonly fetch?: typeof globalThis.fetch
}

type Call<A> = (call?: CallOptions) => Promise<A>

export interface ImdsCredentialsProvider extends AlibabaCloudCredentialsProvider {
  /** The decoded credentials, with `expiration` and `lastUpdated` as Dates. */
  getRamCredentials: Call<RamCredentials>
}

export interface ImdsPromiseClient {
  readonly endpoint: string
  readonly mode: ImdsClientApi["mode"]
  /** Mode of the most recent successful request, null before the first. */
  readonly lastMode: AccessMode | null
  get(path: string, call?: CallOptions): Promise<ImdsResponse>
  /** GET with a token you hold; a 401 rejects with `Unauthorized` (no fresh token, no retry). */
  getWithToken(path: string, token: string, call?: CallOptions): Promise<ImdsResponse>
  /** The session token in use (or a fresh one) and its expiry by this machine's clock. */
  token: Call<SessionToken>
  getText(path: string, call?: CallOptions): Promise<string>
  list(path: string, call?: CallOptions): Promise<ReadonlyArray<ListingEntry>>
  instanceId: Call<string>
  regionId: Call<string>
  zoneId: Call<string>
  hostname: Call<string>
  instanceType: Call<string>
  instanceName: Call<string>
  imageId: Call<string>
  ownerAccountId: Call<string>
  serialNumber: Call<string>
  networkType: Call<string>
  mac: Call<string>
  privateIpv4: Call<string>
  publicIpv4: Call<string | null>
  eipv4: Call<string | null>
  vpcId: Call<string>
  vpcCidrBlock: Call<string>
  vswitchId: Call<string>
  vswitchCidrBlock: Call<string>
  maxNetbwEgress: Call<number>
  maxNetbwIngress: Call<number>
  marketPlace: Call<MarketPlace | null>
  hibernationConfigured: Call<boolean | null>
  launchIndex: Call<number | null>
  kmsServer: Call<string | null>
  wsusServer: Call<WsusServer | null>
  dnsNameservers: Call<ReadonlyArray<string>>
  ntpServers: Call<ReadonlyArray<string>>
  userData: Call<Uint8Array | null>
  vendorData: Call<Uint8Array | null>
  spotTerminationTime: Call<Date | null>
  systemEvents: Call<ReadonlyArray<SystemEvent>>
  metaDataAll: Call<MetaDataTree | null>
  networkInterfaces: Call<ReadonlyArray<NetworkInterface>>
  disks: Call<ReadonlyArray<Disk>>
  publicKeys: Call<ReadonlyArray<PublicKey>>
  tags: Call<Readonly<Record<string, string>>>
  identityDocument: Call<IdentityDocument>
  identityPkcs7(audience?: string, call?: CallOptions): Promise<string>
  verifyIdentity(pkcs7: string, certificatePem: string): Promise<IdentityVerification>
  ramRoleName: Call<string | null>
  ramCredentials(role?: string, call?: CallOptions): Promise<RamCredentials>
  /** A caching provider; pass it to `new Credential(undefined, provider)` of `@alicloud/credentials`. */
  credentialsProvider(options?: CredentialsProviderOptions): ImdsCredentialsProvider
}

/** Runs synchronously; throws on failure with the typed error itself. */
const runSyncOrThrow = <A, E>(effect: Effect.Effect<A, E>): A => {
  const exit = Effect.runSyncExit(effect)
  if (Exit.isSuccess(exit)) return exit.value
  throw Cause.squash(exit.cause)
}

/** Validates options eagerly (throws `InvalidOptions` or a `ConfigError`), then returns a ready client. */
export const createImdsClient = (options: PromiseClientOptions = {}): ImdsPromiseClient => {
  const { env, fetch, ...clientOptions } = options
  const config = env === undefined ? ConfigProvider.fromEnv() : ConfigProvider.fromEnvRecord({ ...env })
  const resolved = runSyncOrThrow(
    loadOptions(clientOptions).pipe(Effect.provideService(ConfigProvider.ConfigProvider, config))
  )
  const api = runSyncOrThrow(makeImdsClient(resolved).pipe(Effect.provide(FetchHttpClient.layer)))

  const run = async <A, E>(effect: Effect.Effect<A, E>, call?: CallOptions): Promise<A> => {
    const signal = call?.signal
    signal?.throwIfAborted()
    const withFetch = fetch === undefined ? effect : Effect.provideService(effect, FetchHttpClient.Fetch, fetch)
    const exit = await Effect.runPromiseExit(withFetch, signal === undefined ? undefined : { signal })
    if (Exit.isSuccess(exit)) return exit.value
    if (signal?.aborted) throw signal.reason
    throw Cause.squash(exit.cause)
  }
  const call =
    <A, E>(effect: Effect.Effect<A, E>): Call<A> =>
    (c) =>
      run(effect, c)
  const nullable = <A, E>(effect: Effect.Effect<Option.Option<A>, E>): Call<A | null> =>
    call(Effect.map(effect, Option.getOrNull))

  const credentialsProvider = (providerOptions: CredentialsProviderOptions = {}): ImdsCredentialsProvider => {
    const provider = api.credentialsProvider(providerOptions)
    const providerName = providerOptions.providerName ?? "ecs_ram_role"
    return {
      getRamCredentials: call(provider.get),
      getCredentials: async () => {
        const c = await run(provider.get)
        return {
          accessKeyId: c.accessKeyId,
          accessKeySecret: c.accessKeySecret,
          securityToken: c.securityToken,
          providerName
        }
      },
      getProviderName: () => providerName
    }
  }

  return {
    endpoint: api.endpoint,
    mode: api.mode,
    get lastMode() {
      return runSyncOrThrow(Effect.map(api.lastMode, Option.getOrNull))
    },
    get: (path, c) => run(api.get(path), c),
    getWithToken: (path, token, c) => run(api.getWithToken(path, token), c),
    token: call(api.token),
    getText: (path, c) => run(api.getText(path), c),
    list: (path, c) => run(api.list(path), c),
    instanceId: call(api.instanceId),
    regionId: call(api.regionId),
    zoneId: call(api.zoneId),
    hostname: call(api.hostname),
    instanceType: call(api.instanceType),
    instanceName: call(api.instanceName),
    imageId: call(api.imageId),
    ownerAccountId: call(api.ownerAccountId),
    serialNumber: call(api.serialNumber),
    networkType: call(api.networkType),
    mac: call(api.mac),
    privateIpv4: call(api.privateIpv4),
    publicIpv4: nullable(api.publicIpv4),
    eipv4: nullable(api.eipv4),
    vpcId: call(api.vpcId),
    vpcCidrBlock: call(api.vpcCidrBlock),
    vswitchId: call(api.vswitchId),
    vswitchCidrBlock: call(api.vswitchCidrBlock),
    maxNetbwEgress: call(api.maxNetbwEgress),
    maxNetbwIngress: call(api.maxNetbwIngress),
    marketPlace: nullable(api.marketPlace),
    hibernationConfigured: nullable(api.hibernationConfigured),
    launchIndex: nullable(api.launchIndex),
    kmsServer: nullable(api.kmsServer),
    wsusServer: nullable(api.wsusServer),
    dnsNameservers: call(api.dnsNameservers),
    ntpServers: call(api.ntpServers),
    userData: nullable(api.userData),
    vendorData: nullable(api.vendorData),
    spotTerminationTime: nullable(api.spotTerminationTime),
    systemEvents: call(api.systemEvents),
    metaDataAll: nullable(api.metaDataAll),
    networkInterfaces: call(api.networkInterfaces),
    disks: call(api.disks),
    publicKeys: call(api.publicKeys),
    tags: call(api.tags),
    identityDocument: call(api.identityDocument),
    identityPkcs7: (audience, c) => run(api.identityPkcs7(audience), c),
    verifyIdentity: (pkcs7, pem) => run(api.verifyIdentity(pkcs7, pem)),
    ramRoleName: nullable(api.ramRoleName),
    ramCredentials: (role, c) => run(api.ramCredentials(role), c),
    credentialsProvider
  }
}
