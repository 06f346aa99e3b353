// @aliyun-imds/client: an SDK for Alibaba Cloud ECS instance metadata (IMDS), hardened-mode first. Two APIs over one
// implementation: the Effect service `ImdsClient` and the Promise facade `createImdsClient`.
export type { IdentityVerification, MarketPlace, MetadataAccessors, WsusServer } from "./Accessors.ts"
export {
  defaultEndpoint,
  type ImdsClientOptions,
  ImdsEnvConfig,
  type ImdsEnvironment,
  type ImdsMode,
  loadOptions,
  maxTokenTtlSeconds,
  type ResolvedOptions,
  resolveOptions
} from "./Config.ts"
export {
  type AlibabaCloudCredentialsProvider,
  type CredentialsProvider,
  type CredentialsProviderOptions,
  makeCredentialsProvider
} from "./CredentialsProvider.ts"
export {
  IdentityDocument,
  type ListingEntry,
  MetaDataTree,
  parseBracketList,
  parseListing,
  RamCredentials,
  SystemEvent,
  splitLines
} from "./Decoders.ts"
export {
  AccessMode,
  Forbidden,
  ForbiddenReason,
  type ImdsError,
  InvalidOptions,
  InvalidResponse,
  NotFound,
  ServerError,
  Throttled,
  Timeout,
  Transport,
  Unauthorized
} from "./Errors.ts"
export { ImdsClient, type ImdsClientApi, makeImdsClient } from "./ImdsClient.ts"
export type { Disk, InventoryAccessors, NetworkInterface, PublicKey } from "./Inventory.ts"
export {
  type CallOptions,
  createImdsClient,
  type ImdsCredentialsProvider,
  type ImdsPromiseClient,
  type PromiseClientOptions
} from "./Promise.ts"
export type { RamAccessors } from "./RamCredentials.ts"
export type { ImdsResponse } from "./Requester.ts"
export type { SessionToken } from "./TokenCache.ts"
export { unixSocketFetch } from "./UnixFetch.ts"
