// The vocabulary of the data-plane tests: the wire header names, token PUT / GET helpers over an in-process
// harness, the metadata-option switches the status tables run under, and a two-instance fleet bound by peer address.
import { decodeFleet, type FleetConfig } from "@aliyun-imds/core"
import { Effect } from "effect"
import type { Peer } from "../../src/data/MetadataRequest.ts"
import type { Harness } from "./harness.ts"

export const ttlHeader = "X-aliyun-ecs-metadata-token-ttl-seconds"
export const tokenHeader = "X-aliyun-ecs-metadata-token"
export const tokenPath = "/latest/api/token"

export const peerA: Peer = { address: "127.0.0.2", port: 40_002 }
export const peerB: Peer = { address: "127.0.0.3", port: 40_003 }
export const strangerPeer: Peer = { address: "127.0.0.9", port: 40_009 }

/** A token PUT with the TTL header set to `ttl` (left out when null) plus any `extra` headers. */
export const putToken = (
  h: Harness,
  ttl: string | null,
  extra: Record<string, string> = {},
  peer?: Peer,
  path: string = tokenPath
): Promise<Response> =>
  h.request(path, { method: "PUT", headers: { ...(ttl === null ? {} : { [ttlHeader]: ttl }), ...extra } }, peer)

/** A read of `path`, with the token header when `token` is given. */
export const read = (h: Harness, path: string, token?: string, init: RequestInit = {}, peer?: Peer) =>
  h.request(
    path,
    {
      ...init,
      headers: { ...(init.headers as Record<string, string>), ...(token === undefined ? {} : { [tokenHeader]: token }) }
    },
    peer
  )

/** Status and exact body bytes (as text) of a response; the body is always consumed. */
export const outcome = async (res: Response): Promise<{ status: number; body: string }> => ({
  status: res.status,
  body: await res.text()
})

export type HttpTokensMode = "optional" | "required"

/** ModifyInstanceMetadataOptions through the fleet store, as the admin plane does it. */
export const setOptions = (
  h: Harness,
  options: { readonly HttpTokens?: HttpTokensMode; readonly HttpEndpoint?: "enabled" | "disabled" },
  instanceId: string = h.instanceId
) => h.run(h.services.fleet.modifyMetadataOptions({ InstanceId: instanceId, ...options }))

/** The meta-data listing of the built-in default instance (Linux, one disk, a key pair, a RAM role, no public IP). */
export const defaultMetaDataListing = [
  "disks/",
  "dns-conf/",
  "hibernation/",
  "hostname",
  "image-id",
  "instance-id",
  "instance/",
  "mac",
  "network-type",
  "network/",
  "ntp-conf/",
  "owner-account-id",
  "private-ipv4",
  "public-keys/",
  "ram/",
  "region-id",
  "serial-number",
  "source-address",
  "sub-private-ipv4-list",
  "vpc-cidr-block",
  "vpc-id",
  "vswitch-cidr-block",
  "vswitch-id",
  "zone-id"
].join("\n")

export const instanceA = "i-alpha000000000000001"
export const instanceB = "i-bravo000000000000002"

/** Two instances, each bound to one loopback address; unmatched peers go to A, or are refused. */
export const twoInstanceFleetYaml = (unmatchedPeers: "default" | "refuse") => `
version: 1
seed: data-plane-two-peers
unmatchedPeers: ${unmatchedPeers}
defaultInstance: ${instanceA}
instances:
  - instanceId: ${instanceA}
    sourceAddresses: ["127.0.0.2"]
  - instanceId: ${instanceB}
    sourceAddresses: ["127.0.0.3/32"]
`

export const twoInstanceFleet = (unmatchedPeers: "default" | "refuse"): Promise<FleetConfig> =>
  Effect.runPromise(decodeFleet(twoInstanceFleetYaml(unmatchedPeers), "yaml"))
