// Typed accessors for the single-value items of spec §3–§8: instance facts, addresses, DNS/NTP lists, user and
// vendor data as bytes, spot termination, system events, `meta-data/all` and the identity document and signature.
import { verifyPkcs7 } from "@aliyun-imds/core/identity"
import { Effect, Option, Schema } from "effect"
import {
  BooleanText,
  type IdentityDocument,
  IdentityDocumentJson,
  IntegerText,
  isNoEvents,
  type MetaDataTree,
  MetaDataTreeJson,
  type SystemEvent,
  SystemEventsJson,
  splitLines,
  UtcTimestamp
} from "./Decoders.ts"
import { invalidBody, type Read, type Reader } from "./Read.ts"

export interface IdentityVerification {
  /** The signature verifies against the certificate over the attached content (no chain check, as `-noverify`). */
  readonly valid: boolean
  /** The signed content: the document, with `"audience"` spliced in when one was requested. */
  readonly content: string
  /** The content decoded, or null when it is not an identity document. */
  readonly document: IdentityDocument | null
}

export interface MarketPlace {
  readonly productCode: string
  readonly chargeType: string
}

export interface WsusServer {
  readonly wuServer: string
  readonly wuStatusServer: string
}

export interface MetadataAccessors {
  readonly instanceId: Read<string>
  readonly regionId: Read<string>
  readonly zoneId: Read<string>
  readonly hostname: Read<string>
  readonly instanceType: Read<string>
  readonly instanceName: Read<string>
  readonly imageId: Read<string>
  readonly ownerAccountId: Read<string>
  readonly serialNumber: Read<string>
  readonly networkType: Read<string>
  /** MAC of the primary ENI. */
  readonly mac: Read<string>
  readonly privateIpv4: Read<string>
  /** None when the instance has no public IP. */
  readonly publicIpv4: Read<Option.Option<string>>
  readonly eipv4: Read<Option.Option<string>>
  readonly vpcId: Read<string>
  readonly vpcCidrBlock: Read<string>
  readonly vswitchId: Read<string>
  readonly vswitchCidrBlock: Read<string>
  /** `instance/max-netbw-egress`: the instance type's maximum outbound internal bandwidth, Kbit/s. */
  readonly maxNetbwEgress: Read<number>
  /** `instance/max-netbw-ingress`, Kbit/s. */
  readonly maxNetbwIngress: Read<number>
  /** `image/market-place/*`; None unless the image comes from Alibaba Cloud Marketplace. */
  readonly marketPlace: Read<Option.Option<MarketPlace>>
  /** `hibernation/configured`; None where the service does not list it. */
  readonly hibernationConfigured: Read<Option.Option<boolean>>
  /** `launch-index`; None where the service does not list it. */
  readonly launchIndex: Read<Option.Option<number>>
  /** Windows only: `kms-server`. */
  readonly kmsServer: Read<Option.Option<string>>
  /** Windows only: `wsus-server/wu-server` and `wsus-server/wu-status-server`. */
  readonly wsusServer: Read<Option.Option<WsusServer>>
  /** `dns-conf/nameservers` (CRLF-separated on the wire); empty when absent. */
  readonly dnsNameservers: Read<ReadonlyArray<string>>
  readonly ntpServers: Read<ReadonlyArray<string>>
  /** Exact bytes; None when the instance has no user data (404). */
  readonly userData: Read<Option.Option<Uint8Array>>
  readonly vendorData: Read<Option.Option<Uint8Array>>
  /** None until a spot reclaim is scheduled (404). */
  readonly spotTerminationTime: Read<Option.Option<Date>>
  /** Active system events; empty on 404 or `None`. */
  readonly systemEvents: Read<ReadonlyArray<SystemEvent>>
  /** The whole meta-data tree in one request; None where the service does not offer it (404). */
  readonly metaDataAll: Read<Option.Option<MetaDataTree>>
  readonly identityDocument: Read<IdentityDocument>
  /** Base64 PKCS#7 (no PEM armour) over the document, with `audience` spliced in when given. */
  readonly identityPkcs7: (audience?: string) => Read<string>
  /** Offline: checks a PKCS#7 against the signer's PEM certificate. */
  readonly verifyIdentity: (pkcs7: string, certificatePem: string) => Effect.Effect<IdentityVerification>
}

const decodeDocument = Schema.decodeUnknownOption(IdentityDocumentJson)

export const makeAccessors = (read: Reader): MetadataAccessors => {
  const leaf = (path: string) => read.text(`meta-data/${path}`)
  const lines = (path: string) =>
    Effect.map(read.optional(leaf(path)), (text) => Option.match(text, { onNone: () => [], onSome: splitLines }))
  const bytes = (path: string) => read.optional(Effect.map(read.request(path), (r) => r.body))

  /** Two leaves of one optional directory: None when the first is absent (404). */
  const pair = <A>(first: string, second: string, make: (a: string, b: string) => A): Read<Option.Option<A>> =>
    Effect.flatMap(read.optional(leaf(first)), (a) =>
      Option.match(a, {
        onNone: () => Effect.succeed(Option.none<A>()),
        onSome: (a) => Effect.map(leaf(second), (b) => Option.some(make(a, b)))
      })
    )

  const spotTerminationTime = read.optional(read.decode("meta-data/instance/spot/termination-time", UtcTimestamp))

  const systemEvents = read.optional(read.request("maintenance/active-system-events")).pipe(
    Effect.flatMap((response) => {
      if (Option.isNone(response)) return Effect.succeed([])
      const text = new TextDecoder().decode(response.value.body)
      if (isNoEvents(text)) return Effect.succeed([])
      return Schema.decodeUnknownEffect(SystemEventsJson)(text).pipe(
        Effect.mapError((error) => invalidBody(response.value, error.message))
      )
    })
  )

  const identityPkcs7 = (audience?: string) =>
    read.text(
      audience === undefined
        ? "dynamic/instance-identity/pkcs7"
        : `dynamic/instance-identity/pkcs7?audience=${encodeURIComponent(audience)}`
    )

  const verifyIdentity = (pkcs7: string, certificatePem: string) =>
    Effect.map(verifyPkcs7(pkcs7, certificatePem), ({ valid, content }) => ({
      valid,
      content,
      document: Option.getOrNull(decodeDocument(content))
    }))

  return {
    instanceId: leaf("instance-id"),
    regionId: leaf("region-id"),
    zoneId: leaf("zone-id"),
    hostname: leaf("hostname"),
    instanceType: leaf("instance/instance-type"),
    instanceName: leaf("instance/instance-name"),
    imageId: leaf("image-id"),
    ownerAccountId: leaf("owner-account-id"),
    serialNumber: leaf("serial-number"),
    networkType: leaf("network-type"),
    mac: leaf("mac"),
    privateIpv4: leaf("private-ipv4"),
    publicIpv4: read.optional(leaf("public-ipv4")),
    eipv4: read.optional(leaf("eipv4")),
    vpcId: leaf("vpc-id"),
    vpcCidrBlock: leaf("vpc-cidr-block"),
    vswitchId: leaf("vswitch-id"),
    vswitchCidrBlock: leaf("vswitch-cidr-block"),
    maxNetbwEgress: read.decode("meta-data/instance/max-netbw-egress", IntegerText),
    maxNetbwIngress: read.decode("meta-data/instance/max-netbw-ingress", IntegerText),
    marketPlace: pair(
      "image/market-place/product-code",
      "image/market-place/charge-type",
      (productCode, chargeType) => ({
        productCode,
        chargeType
      })
    ),
    hibernationConfigured: read.optional(read.decode("meta-data/hibernation/configured", BooleanText)),
    launchIndex: read.optional(read.decode("meta-data/launch-index", IntegerText)),
    kmsServer: read.optional(leaf("kms-server")),
    wsusServer: pair("wsus-server/wu-server", "wsus-server/wu-status-server", (wuServer, wuStatusServer) => ({
      wuServer,
      wuStatusServer
    })),
    dnsNameservers: lines("dns-conf/nameservers"),
    ntpServers: lines("ntp-conf/ntp-servers"),
    userData: bytes("user-data"),
    vendorData: bytes("vendor-data"),
    spotTerminationTime,
    systemEvents,
    metaDataAll: read.optional(read.decode("meta-data/all", MetaDataTreeJson)),
    identityDocument: read.decode("dynamic/instance-identity/document", IdentityDocumentJson),
    identityPkcs7,
    verifyIdentity
  }
}
