// @aliyun-imds/server: the emulator's HTTP layer (metadata + admin listeners) for embedding and entry points.
export { makeAdminApp } from "./admin/AdminPlane.ts"
export { type DataPlaneBindings, makeDataApp } from "./data/DataPlane.ts"
export { fetchAdapter, type PeerOf } from "./data/FetchAdapter.ts"
export { Holds } from "./data/Holds.ts"
export type {
  Answer,
  Drop,
  MetadataReply,
  MetadataRequest,
  Peer,
  Pipeline,
  RuleHeader
} from "./data/MetadataRequest.ts"
export { makePipeline } from "./data/Pipeline.ts"
export { errorStatus, statusText } from "./ErrorStatus.ts"
export { FleetLoadError, fleetSource } from "./FleetSource.ts"
export { IdentityFileError, readIdentityFile, writeIdentityFile } from "./IdentityFile.ts"
export { type LogFormat, type LogLevel, logFormats, logLevels, makeLogger } from "./Log.ts"
export { parseServerArgs } from "./main.ts"
export { type ServeFlag, serveFlagHelp, serveFlags } from "./ServeFlags.ts"
export { type DataPlaneBehaviour, defaultBehaviour, type ServerOptions } from "./ServerOptions.ts"
export { buildServices, type CoreServices, coreLayer } from "./Services.ts"
export { type RunningServer, StartupError, startServer } from "./startServer.ts"
