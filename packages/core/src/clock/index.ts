// Time: the virtual clock every TTL, rotation and event reads, and the wire's second-precision UTC form.
export { utcSeconds } from "./UtcTime.ts"
export { type ClockSettings, type ClockState, VirtualClock } from "./VirtualClock.ts"
