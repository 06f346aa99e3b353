export * as Errors from "./Errors.ts"
export * from "./Errors.ts"
export * from "./Instance.ts"
export * from "./VirtualClock.ts"
