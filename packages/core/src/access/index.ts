// Access: what a data-plane request gets — the policy's decision (endpoint switch, token route, token and
// HttpTokens checks), the throttle's token buckets, and injected faults.
export {
  type AccessRequest,
  type AccessSubject,
  type Decision,
  decide,
  decideUnsafe,
  type TokenGetPolicy,
  tokenGetPolicies
} from "./AccessPolicy.ts"
export { FaultAction, type FaultOutcome, FaultRule, FaultRuleInput, Faults, type FaultsSaved } from "./Faults.ts"
export { anyInstance, InvalidThrottleRule, type TakeResult, Throttle, type ThrottleRule } from "./Throttle.ts"
