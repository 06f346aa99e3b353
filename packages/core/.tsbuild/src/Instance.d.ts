import { Schema } from "effect";
export declare const HttpEndpoint: Schema.Literals<readonly ["enabled", "disabled"]>;
export declare const HttpTokens: Schema.Literals<readonly ["optional", "required"]>;
export declare const InstanceMetadataTags: Schema.Literals<readonly ["enabled", "disabled"]>;
export declare const MetadataOptions: Schema.Struct<{
    readonly HttpEndpoint: Schema.Literals<readonly ["enabled", "disabled"]>;
    readonly HttpTokens: Schema.Literals<readonly ["optional", "required"]>;
    readonly InstanceMetadataTags: Schema.Literals<readonly ["enabled", "disabled"]>;
}>;
export type MetadataOptions = typeof MetadataOptions.Type;
export declare const defaultMetadataOptions: MetadataOptions;
export declare const NetworkInterface: Schema.Struct<{
    readonly mac: Schema.String;
    readonly networkInterfaceId: Schema.String;
    readonly vpcId: Schema.String;
    readonly vswitchId: Schema.String;
    readonly primaryIpAddress: Schema.String;
    readonly privateIpv4s: Schema.$Array<Schema.String>;
    readonly ipv4Prefixes: Schema.$Array<Schema.String>;
    readonly netmask: Schema.String;
    readonly gateway: Schema.String;
    readonly vswitchCidrBlock: Schema.String;
    readonly vpcCidrBlock: Schema.String;
    readonly ipv6s: Schema.$Array<Schema.String>;
    readonly ipv6Prefixes: Schema.$Array<Schema.String>;
    readonly ipv6Gateway: Schema.NullOr<Schema.String>;
    readonly vswitchIpv6CidrBlock: Schema.NullOr<Schema.String>;
    readonly vpcIpv6CidrBlocks: Schema.$Array<Schema.String>;
}>;
export type NetworkInterface = typeof NetworkInterface.Type;
export declare const Disk: Schema.Struct<{
    readonly id: Schema.String;
    readonly name: Schema.String;
}>;
export type Disk = typeof Disk.Type;
export declare const PublicKey: Schema.Struct<{
    readonly id: Schema.String;
    readonly openssh: Schema.String;
}>;
export type PublicKey = typeof PublicKey.Type;
export declare const RamRole: Schema.Struct<{
    readonly name: Schema.String;
    /** Credential validity; about 6 h on the real service. */
    readonly validitySeconds: Schema.Int;
    /** New credentials appear this long before the old ones expire; both stay valid meanwhile. */
    readonly overlapSeconds: Schema.Int;
}>;
export type RamRole = typeof RamRole.Type;
export declare const MarketPlace: Schema.Struct<{
    readonly productCode: Schema.String;
    readonly chargeType: Schema.String;
}>;
export declare const WsusServer: Schema.Struct<{
    readonly wuServer: Schema.String;
    readonly wuStatusServer: Schema.String;
}>;
export declare const OsType: Schema.Literals<readonly ["linux", "windows"]>;
export declare const Instance: Schema.Struct<{
    readonly instanceId: Schema.String;
    /** Peer addresses (IPs or CIDRs) that this instance answers; see FleetBinding. */
    readonly sourceAddresses: Schema.$Array<Schema.String>;
    readonly osType: Schema.Literals<readonly ["linux", "windows"]>;
    readonly metadataOptions: Schema.Struct<{
        readonly HttpEndpoint: Schema.Literals<readonly ["enabled", "disabled"]>;
        readonly HttpTokens: Schema.Literals<readonly ["optional", "required"]>;
        readonly InstanceMetadataTags: Schema.Literals<readonly ["enabled", "disabled"]>;
    }>;
    readonly regionId: Schema.String;
    readonly zoneId: Schema.String;
    readonly hostname: Schema.String;
    readonly instanceName: Schema.String;
    readonly instanceType: Schema.String;
    readonly imageId: Schema.String;
    readonly serialNumber: Schema.String;
    readonly ownerAccountId: Schema.String;
    readonly maxNetbwEgress: Schema.Int;
    readonly maxNetbwIngress: Schema.Int;
    readonly virtualizationSolution: Schema.String;
    readonly virtualizationSolutionVersion: Schema.String;
    readonly lastHostLandingTime: Schema.String;
    readonly launchIndex: Schema.NullOr<Schema.Int>;
    /** Primary ENI first: `mac`, `private-ipv4`, `vpc-*` and `vswitch-*` at the root are read from it. */
    readonly networkInterfaces: Schema.$Array<Schema.Struct<{
        readonly mac: Schema.String;
        readonly networkInterfaceId: Schema.String;
        readonly vpcId: Schema.String;
        readonly vswitchId: Schema.String;
        readonly primaryIpAddress: Schema.String;
        readonly privateIpv4s: Schema.$Array<Schema.String>;
        readonly ipv4Prefixes: Schema.$Array<Schema.String>;
        readonly netmask: Schema.String;
        readonly gateway: Schema.String;
        readonly vswitchCidrBlock: Schema.String;
        readonly vpcCidrBlock: Schema.String;
        readonly ipv6s: Schema.$Array<Schema.String>;
        readonly ipv6Prefixes: Schema.$Array<Schema.String>;
        readonly ipv6Gateway: Schema.NullOr<Schema.String>;
        readonly vswitchIpv6CidrBlock: Schema.NullOr<Schema.String>;
        readonly vpcIpv6CidrBlocks: Schema.$Array<Schema.String>;
    }>>;
    readonly publicIpv4: Schema.NullOr<Schema.String>;
    readonly eipv4: Schema.NullOr<Schema.String>;
    readonly subPrivateIpv4List: Schema.$Array<Schema.String>;
    readonly dnsNameservers: Schema.$Array<Schema.String>;
    readonly ntpServers: Schema.$Array<Schema.String>;
    readonly disks: Schema.$Array<Schema.Struct<{
        readonly id: Schema.String;
        readonly name: Schema.String;
    }>>;
    readonly publicKeys: Schema.$Array<Schema.Struct<{
        readonly id: Schema.String;
        readonly openssh: Schema.String;
    }>>;
    readonly tags: Schema.$Record<Schema.String, Schema.String>;
    readonly ramRole: Schema.NullOr<Schema.Struct<{
        readonly name: Schema.String;
        /** Credential validity; about 6 h on the real service. */
        readonly validitySeconds: Schema.Int;
        /** New credentials appear this long before the old ones expire; both stay valid meanwhile. */
        readonly overlapSeconds: Schema.Int;
    }>>;
    /** Raw user data (bytes as a latin1/utf-8 string); `null` → 404. */
    readonly userData: Schema.NullOr<Schema.String>;
    readonly vendorData: Schema.NullOr<Schema.String>;
    /** Linux only: the package mirror (`source-address`). */
    readonly sourceAddress: Schema.NullOr<Schema.String>;
    /** Windows only. */
    readonly kmsServer: Schema.NullOr<Schema.String>;
    readonly wsusServer: Schema.NullOr<Schema.Struct<{
        readonly wuServer: Schema.String;
        readonly wuStatusServer: Schema.String;
    }>>;
    readonly spot: Schema.Boolean;
    readonly hibernationConfigured: Schema.Boolean;
    readonly marketPlace: Schema.NullOr<Schema.Struct<{
        readonly productCode: Schema.String;
        readonly chargeType: Schema.String;
    }>>;
    readonly vscOptionsEnabled: Schema.NullOr<Schema.Boolean>;
    /** Extra or replaced leaves by meta-data path (`instance/instance-type`), `null` deletes an item. */
    readonly overrides: Schema.$Record<Schema.String, Schema.NullOr<Schema.String>>;
}>;
export type Instance = typeof Instance.Type;
export declare const primaryInterface: (instance: Instance) => NetworkInterface;
//# sourceMappingURL=Instance.d.ts.map