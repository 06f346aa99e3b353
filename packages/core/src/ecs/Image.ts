// An ECS image as DescribeImages reports it, reduced to what matters to instance metadata: its id, OS and
// `Features.ImdsSupport` (v2: instances from it may be hardened-only). The fleet file's `images` section adds to or
// replaces entries of a generated public catalogue holding every image generated instances use.
import { Schema } from "effect"
import * as Regions from "../fleet/Regions.ts"

const opt = Schema.optionalKey

export const ImdsSupport = Schema.Literals(["v1", "v2"]).annotate({
  description: "v2: instances created from the image may use HttpTokens=required (forced hardened mode)"
})
export type ImdsSupport = typeof ImdsSupport.Type

export const ImageOwnerAlias = Schema.Literals(["system", "self", "others", "marketplace"])

export const ImageIdText = Schema.String.pipe(
  Schema.check(
    Schema.isPattern(/^[A-Za-z0-9][A-Za-z0-9._-]{1,127}$/u, {
      expected: "an image id (2 to 128 of A-Z a-z 0-9 . _ -, starting with a letter or digit)"
    })
  )
)

export const ImageInput = Schema.Struct({
  imageId: ImageIdText,
  imageName: opt(Schema.String),
  imdsSupport: opt(ImdsSupport),
  osType: opt(Schema.Literals(["linux", "windows"])),
  osName: opt(Schema.String),
  platform: opt(Schema.String),
  architecture: opt(Schema.Literals(["x86_64", "arm64"])),
  imageOwnerAlias: opt(ImageOwnerAlias),
  description: opt(Schema.String),
  size: opt(Schema.Int.pipe(Schema.check(Schema.isGreaterThan(0))))
})
export type ImageInput = typeof ImageInput.Type

export const Image = Schema.Struct({
  imageId: Schema.String,
  imageName: Schema.String,
  imdsSupport: ImdsSupport,
  osType: Schema.Literals(["linux", "windows"]),
  osName: Schema.String,
  platform: Schema.String,
  architecture: Schema.Literals(["x86_64", "arm64"]),
  imageOwnerAlias: ImageOwnerAlias,
  description: Schema.String,
  /** GiB. */
  size: Schema.Int,
  /** ISO 8601, second precision. */
  creationTime: Schema.String,
  /** CreateImage from an instance. */
  sourceInstanceId: Schema.NullOr(Schema.String),
  /** CreateImage from a snapshot. */
  snapshotId: Schema.NullOr(Schema.String)
})
export type Image = typeof Image.Type

interface Family {
  readonly prefix: string
  readonly platform: string
  readonly osName: string
  readonly imdsSupport: ImdsSupport
}

/** Public image families of the generated catalogue; Alibaba Cloud Linux 3 and Ubuntu images support IMDSv2. */
const families: ReadonlyArray<Family> = [
  { prefix: "aliyun_3", platform: "Aliyun", osName: "Alibaba Cloud Linux 3.2104 LTS 64 bit", imdsSupport: "v2" },
  { prefix: "ubuntu_22_04", platform: "Ubuntu", osName: "Ubuntu 22.04 64 bit", imdsSupport: "v2" },
  { prefix: "debian_12", platform: "Debian", osName: "Debian 12.6 64 bit", imdsSupport: "v1" },
  { prefix: "centos_stream_9", platform: "CentOS Stream", osName: "CentOS Stream 9 64 bit", imdsSupport: "v1" },
  { prefix: "win2022", platform: "Windows Server 2022", osName: "Windows Server 2022 Datacenter", imdsSupport: "v1" },
  { prefix: "win2019", platform: "Windows Server 2019", osName: "Windows Server 2019 Datacenter", imdsSupport: "v1" }
]

const familyOf = (imageId: string): Family | undefined => families.find((f) => imageId.startsWith(f.prefix))

/** `…_alibase_20240819.vhd` → `2024-08-19T00:00:00Z`; other ids get a fixed date. */
const creationTimeOf = (imageId: string): string => {
  const date = /_(\d{4})(\d{2})(\d{2})\.vhd$/.exec(imageId)
  return date === null ? "2024-01-01T00:00:00Z" : `${date[1]}-${date[2]}-${date[3]}T00:00:00Z`
}

/** The complete image: what the input says, the family's (or generic) values for the rest. */
export const resolveImage = (input: ImageInput): Image => {
  const family = familyOf(input.imageId)
  const osType = input.osType ?? (Regions.isWindowsImage(input.imageId) ? "windows" : "linux")
  return {
    imageId: input.imageId,
    imageName: input.imageName ?? input.imageId,
    imdsSupport: input.imdsSupport ?? family?.imdsSupport ?? "v1",
    osType,
    osName: input.osName ?? family?.osName ?? (osType === "windows" ? "Windows Server" : "Linux"),
    platform: input.platform ?? family?.platform ?? (osType === "windows" ? "Windows Server" : "Others Linux"),
    architecture: input.architecture ?? "x86_64",
    imageOwnerAlias: input.imageOwnerAlias ?? (family === undefined ? "self" : "system"),
    description: input.description ?? "",
    size: input.size ?? (osType === "windows" ? 40 : 20),
    creationTime: creationTimeOf(input.imageId),
    sourceInstanceId: null,
    snapshotId: null
  }
}

/** The public images generated instances use, then the file's own (an entry with a catalogue id replaces it). */
export const resolveImages = (inputs: ReadonlyArray<ImageInput> = []): ReadonlyArray<Image> => {
  const byId = new Map<string, Image>()
  for (const imageId of [...Regions.linuxImages, ...Regions.windowsImages]) {
    byId.set(imageId, resolveImage({ imageId }))
  }
  for (const input of inputs) byId.set(input.imageId, resolveImage(input))
  return [...byId.values()]
}
