// The ECS API's pure parts: request signatures (ACS3-HMAC-SHA256 and RPC HMAC-SHA1), the account's AccessKeys, the
// image model with its ImdsSupport rules, paging, STS key look-up, source addresses for new instances, the services
// holding images and instance status and the record of API calls, and the endpoint's tagged errors.
export {
  type AccessKey,
  AccessKeyInput,
  type Account,
  AccountInput,
  generatedAccessKey,
  ImdsSupportCheck,
  resolveAccount
} from "./Account.ts"
export { type EcsActionName, ecsActionNames, ecsApiVersion } from "./EcsActionNames.ts"
export {
  type EcsActionCount,
  type EcsCall,
  type EcsCaller,
  type EcsCallInput,
  type EcsCallQuery,
  EcsCalls
} from "./EcsCalls.ts"
export {
  AccessKeyNotFound,
  type EcsAuthError,
  type EcsError,
  EcsInvalidParameter,
  EcsMissingParameter,
  EcsUnknownAction,
  ImageNotFound,
  ImageNotHardenable,
  ImdsSupportDowngrade,
  IncompleteSignature,
  IncorrectInstanceStatus,
  NoFreeAddress,
  NonceUsed,
  RegionNotFound,
  SecurityTokenExpired,
  SecurityTokenMismatch,
  SignatureMismatch,
  TimestampRefused
} from "./EcsErrors.ts"
export { isKnownRegion } from "./EcsRegions.ts"
export { EcsResources, type EcsResourcesApi, type EcsResourcesSaved, type InstanceStatus } from "./EcsResources.ts"
export { Image, ImageInput, ImdsSupport, resolveImage, resolveImages } from "./Image.ts"
export { checkHardenable, createdImdsSupport, withImdsSupport } from "./ImdsSupport.ts"
export { maxPageSize, type Page, type PageRequest, paginate } from "./Paging.ts"
export {
  type Acs3Authorization,
  type Acs3Parts,
  acs3Algorithm,
  acs3CanonicalRequest,
  acs3Signature,
  acs3StringToSign,
  parseAcs3Authorization,
  percentEncode,
  rpcSignature,
  rpcStringToSign,
  sameSignature,
  sha256Hex
} from "./Signature.ts"
export { nextFreeLoopback } from "./SourceAddress.ts"
export { findStsKey, type StsLookup } from "./StsKeys.ts"
