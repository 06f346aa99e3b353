// Which instance RAM role an `STS.` AccessKey id belongs to: the keys the metadata service hands out are derived, so
// a key is found by deriving each role's credentials around now. Live keys are those valid on the virtual clock;
// a key the series handed out earlier (up to `lookBack` credentials back) is reported as expired.

import type { RamCredential } from "../credentials/RamCredentials.ts"
import {
  type CredentialSeries,
  credentialAt,
  credentialIndexAt,
  validCredentialsAt
} from "../credentials/RamCredentials.ts"
import type { InstanceState } from "../fleet/InstanceState.ts"

export type StsLookup =
  | {
      readonly _tag: "Live"
      readonly instanceId: string
      readonly roleName: string
      readonly credential: RamCredential
    }
  | { readonly _tag: "Expired"; readonly instanceId: string; readonly credential: RamCredential }
  | { readonly _tag: "Unknown" }

const unknown: StsLookup = { _tag: "Unknown" }

/** About 48 days of 4.5-hour steps at the default validity; older keys read as unknown. */
export const defaultLookBack = 256

const seriesOf = (state: InstanceState, secret: Uint8Array): ReadonlyArray<CredentialSeries> => {
  const role = state.role
  if (role === null) return []
  const base = { instanceId: state.instance.instanceId, secret }
  return [
    { ...base, role },
    ...role.retired.map((r) => ({
      ...base,
      role: { ...role, generation: r.generation, anchorMs: r.anchorMs, retired: [] }
    }))
  ]
}

const handedOutBefore = (series: CredentialSeries, accessKeyId: string, now: number, lookBack: number) => {
  const newest = credentialIndexAt(series.role, now)
  for (let index = newest; index > newest - lookBack; index--) {
    const credential = credentialAt(series, index)
    if (credential.accessKeyId === accessKeyId) return credential
  }
  return undefined
}

/** Finds `accessKeyId` among the fleet's role credentials at `now`; `hint` (an instance id) is tried first. */
export const findStsKey = (
  states: ReadonlyArray<InstanceState>,
  secret: Uint8Array,
  accessKeyId: string,
  now: number,
  hint?: string,
  lookBack: number = defaultLookBack
): StsLookup => {
  const ordered = hint === undefined ? states : [...states].sort((a) => (a.instance.instanceId === hint ? -1 : 0))
  for (const state of ordered) {
    if (state.role === null) continue
    const series = { instanceId: state.instance.instanceId, secret, role: state.role }
    const live = validCredentialsAt(series, now).find((c) => c.accessKeyId === accessKeyId)
    if (live !== undefined) {
      return { _tag: "Live", instanceId: series.instanceId, roleName: state.role.name, credential: live }
    }
  }
  for (const state of ordered) {
    for (const series of seriesOf(state, secret)) {
      const old = handedOutBefore(series, accessKeyId, now, lookBack)
      if (old !== undefined) return { _tag: "Expired", instanceId: series.instanceId, credential: old }
    }
  }
  return unknown
}
