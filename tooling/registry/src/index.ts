export { compareVersions, type Packument, type Registry, startRegistry } from "./Registry.ts"
export { findInstalled, type InstalledPackage, installedClosure, packInstalled } from "./Seed.ts"
