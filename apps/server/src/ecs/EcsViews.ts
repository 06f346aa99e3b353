// The ECS response shapes of instances and images (DescribeInstances, DescribeInstanceAttribute, DescribeImages), as
// the SDK's models name their fields (@alicloud/ecs20140526@7.11.6 src/models/*ResponseBody.ts).
import type { Image, InstanceState, InstanceStatus } from "@aliyun-imds/core"

/** `2024-03-05 10:02:41` → `2024-03-05T10:02Z`, the minute precision ECS reports creation times in. */
const ecsMinute = (time: string): string => `${time.slice(0, 10)}T${time.slice(11, 16)}Z`

const tagsOf = (tags: Readonly<Record<string, string>>) => ({
  Tag: Object.entries(tags).map(([TagKey, TagValue]) => ({ TagKey, TagValue }))
})

export const metadataOptionsView = (state: InstanceState) => ({
  HttpEndpoint: state.instance.metadataOptions.HttpEndpoint,
  HttpTokens: state.instance.metadataOptions.HttpTokens,
  InstanceMetadataTags: state.instance.metadataOptions.InstanceMetadataTags,
  // The API reports 0: the hop limit is "not available for use" (spec §11).
  HttpPutResponseHopLimit: 0
})

/** The fields both DescribeInstances and DescribeInstanceAttribute report. */
const common = (state: InstanceState, status: InstanceStatus) => {
  const i = state.instance
  const eni = i.networkInterfaces[0]
  return {
    InstanceId: i.instanceId,
    InstanceName: i.instanceName,
    HostName: i.hostname,
    InstanceType: i.instanceType,
    ImageId: i.imageId,
    RegionId: i.regionId,
    ZoneId: i.zoneId,
    Status: status,
    SerialNumber: i.serialNumber,
    CreationTime: ecsMinute(i.lastHostLandingTime),
    InstanceNetworkType: "vpc",
    InstanceChargeType: "PostPaid",
    InternetChargeType: "PayByTraffic",
    VpcAttributes: {
      VpcId: eni?.vpcId ?? "",
      VSwitchId: eni?.vswitchId ?? "",
      NatIpAddress: "",
      PrivateIpAddress: { IpAddress: eni === undefined ? [] : [eni.primaryIpAddress] }
    },
    PublicIpAddress: { IpAddress: i.publicIpv4 === null ? [] : [i.publicIpv4] },
    EipAddress: { IpAddress: i.eipv4 ?? "", AllocationId: "", InternetChargeType: "", Bandwidth: 0 },
    InnerIpAddress: { IpAddress: [] }
  }
}

export const instanceView = (state: InstanceState, status: InstanceStatus, osName: string) => {
  const i = state.instance
  return {
    ...common(state, status),
    OSType: i.osType,
    OSName: osName,
    SpotStrategy: i.spot ? "SpotAsPriceGo" : "NoSpot",
    StartTime: ecsMinute(i.lastHostLandingTime),
    MetadataOptions: metadataOptionsView(state),
    Tags: tagsOf(i.tags),
    NetworkInterfaces: {
      NetworkInterface: i.networkInterfaces.map((eni, index) => ({
        NetworkInterfaceId: eni.networkInterfaceId,
        MacAddress: eni.mac,
        PrimaryIpAddress: eni.primaryIpAddress,
        Type: index === 0 ? "Primary" : "Secondary",
        PrivateIpSets: {
          PrivateIpSet: eni.privateIpv4s.map((ip) => ({ PrivateIpAddress: ip, Primary: ip === eni.primaryIpAddress }))
        }
      }))
    }
  }
}

export const instanceAttributeView = (state: InstanceState, status: InstanceStatus) => common(state, status)

export const imageView = (image: Image) => ({
  ImageId: image.imageId,
  ImageName: image.imageName,
  ImageOwnerAlias: image.imageOwnerAlias,
  IsPublic: image.imageOwnerAlias === "system" || image.imageOwnerAlias === "marketplace",
  OSType: image.osType,
  OSName: image.osName,
  OSNameEn: image.osName,
  Platform: image.platform,
  Architecture: image.architecture,
  Description: image.description,
  Size: image.size,
  Status: "Available",
  Progress: "100%",
  Usage: "instance",
  CreationTime: image.creationTime,
  IsSupportCloudinit: image.osType === "linux",
  IsSupportIoOptimized: true,
  Features: { ImdsSupport: image.imdsSupport, NvmeSupport: "supported" },
  DiskDeviceMappings: {
    DiskDeviceMapping: [
      { Device: "/dev/xvda", Size: String(image.size), SnapshotId: image.snapshotId ?? "", Type: "system" }
    ]
  },
  Tags: { Tag: [] }
})
