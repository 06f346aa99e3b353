// Reference data for generated instances: real regions with their zones and the id prefix that real resource ids in
// that region start with, instance types with their internal bandwidth, and public image ids per OS.

export interface Region {
  readonly id: string
  /** Zone suffixes: `cn-hangzhou` + `h` → `cn-hangzhou-h`. */
  readonly zones: ReadonlyArray<string>
  /** First characters of resource ids created in the region (`i-bp1…`, `vpc-bp1…`). */
  readonly idPrefix: string
}

export const regions: ReadonlyArray<Region> = [
  { id: "cn-hangzhou", zones: ["b", "f", "g", "h", "i", "j", "k"], idPrefix: "bp1" },
  { id: "cn-beijing", zones: ["a", "c", "e", "f", "g", "h", "i", "j", "k", "l"], idPrefix: "2ze" },
  { id: "cn-shanghai", zones: ["b", "e", "f", "g", "l", "m", "n"], idPrefix: "uf6" },
  { id: "cn-shenzhen", zones: ["a", "c", "d", "e", "f"], idPrefix: "wz9" },
  { id: "cn-qingdao", zones: ["b", "c"], idPrefix: "m5e" },
  { id: "cn-zhangjiakou", zones: ["a", "b", "c"], idPrefix: "8vb" },
  { id: "cn-hongkong", zones: ["b", "c", "d"], idPrefix: "j6c" },
  { id: "ap-southeast-1", zones: ["a", "b", "c"], idPrefix: "t4n" },
  { id: "us-west-1", zones: ["a", "b"], idPrefix: "rj9" },
  { id: "eu-central-1", zones: ["a", "b"], idPrefix: "gw8" }
]

const byId = new Map(regions.map((r) => [r.id, r]))

export const findRegion = (id: string): Region | undefined => byId.get(id)

/** `cn-hangzhou-h` → `cn-hangzhou`: a zone id is its region id plus one suffix segment. */
export const regionOfZone = (zoneId: string): string => zoneId.slice(0, Math.max(0, zoneId.lastIndexOf("-")))

export interface InstanceType {
  readonly id: string
  /** Internal bandwidth cap in Kbit/s, as `instance/max-netbw-egress` reports it. */
  readonly netbwKbps: number
}

export const instanceTypes: ReadonlyArray<InstanceType> = [
  { id: "ecs.g7.large", netbwKbps: 2_048_000 },
  { id: "ecs.g7.xlarge", netbwKbps: 3_072_000 },
  { id: "ecs.c7.large", netbwKbps: 2_048_000 },
  { id: "ecs.r7.large", netbwKbps: 2_048_000 },
  { id: "ecs.g8i.large", netbwKbps: 2_560_000 },
  { id: "ecs.g6e.large", netbwKbps: 1_228_800 },
  { id: "ecs.u1-c1m2.large", netbwKbps: 1_024_000 },
  { id: "ecs.t6-c1m2.large", netbwKbps: 204_800 }
]

export const findInstanceType = (id: string): InstanceType | undefined => instanceTypes.find((t) => t.id === id)

export const linuxImages: ReadonlyArray<string> = [
  "aliyun_3_x64_20G_alibase_20240819.vhd",
  "aliyun_3_x64_20G_alibase_20250117.vhd",
  "ubuntu_22_04_x64_20G_alibase_20240710.vhd",
  "debian_12_6_x64_20G_alibase_20240717.vhd",
  "centos_stream_9_x64_20G_alibase_20240628.vhd"
]

export const windowsImages: ReadonlyArray<string> = [
  "win2022_21H2_x64_dtc_en-us_40G_alibase_20240816.vhd",
  "win2019_1809_x64_dtc_en-us_40G_alibase_20240816.vhd",
  "win2022_21H2_x64_dtc_zh-cn_40G_alibase_20240816.vhd"
]

export const isWindowsImage = (imageId: string): boolean => imageId.startsWith("win")

export const aliyunNameservers: ReadonlyArray<string> = ["100.100.2.136", "100.100.2.138"]

export const aliyunNtpServers: ReadonlyArray<string> = [
  "ntp1.aliyun.com",
  "ntp1.cloud.aliyuncs.com",
  "ntp10.cloud.aliyuncs.com"
]

export const linuxMirror = "http://mirrors.cloud.aliyuncs.com"
export const windowsKmsServer = "kms.cloud.aliyuncs.com"
export const windowsUpdateServer = "http://update.cloud.aliyuncs.com"
