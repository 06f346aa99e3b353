// The image actions: DescribeImages (with Features.ImdsSupport), ModifyImageAttribute (ImdsSupport v1 → v2 only, on
// the account's own images) and CreateImage from an instance (ImdsSupport inherited from the instance's image) or a
// snapshot (v1), unless the request asks for a value.
import {
  createdImdsSupport,
  EcsMissingParameter,
  type Image,
  ImageNotFound,
  ImdsSupport,
  paginate,
  resolveImage,
  utcSeconds,
  withImdsSupport
} from "@aliyun-imds/core"
import { Effect } from "effect"
import { type ActionContext, answer, change, describe, instanceIn, regionOf, unlessDryRun } from "../EcsAction.ts"
import { imageView } from "../EcsViews.ts"

const list = (value: string | undefined) => (value === undefined || value === "" ? undefined : value.split(","))

const describeImages = (context: ActionContext) =>
  Effect.gen(function* () {
    const { params, services } = context
    const regionId = yield* regionOf(context)
    const ids = list(params.get("ImageId"))
    const owners = list(params.get("ImageOwnerAlias"))
    const name = params.get("ImageName")
    const os = params.get("OSType")
    const request = { pageNumber: yield* params.int("PageNumber"), pageSize: yield* params.int("PageSize") }
    const images = (yield* services.ecsResources.images).filter(
      (i) =>
        (ids === undefined || ids.includes(i.imageId)) &&
        (owners === undefined || owners.includes(i.imageOwnerAlias)) &&
        (name === undefined || i.imageName === name) &&
        (os === undefined || i.osType === os)
    )
    const page = yield* Effect.fromResult(paginate(images, request, (i) => i.imageId))
    return answer({
      RegionId: regionId,
      TotalCount: page.totalCount,
      PageNumber: page.pageNumber,
      PageSize: page.pageSize,
      Images: { Image: page.items.map(imageView) }
    })
  })

/** The account's own image: public ones are not the account's to change, and read as not found. */
const ownImage = ({ services }: ActionContext, imageId: string) =>
  Effect.flatMap(services.ecsResources.image(imageId), (image) =>
    image.imageOwnerAlias === "self" ? Effect.succeed(image) : Effect.fail(new ImageNotFound({ imageId }))
  )

const modifyImageAttribute = (context: ActionContext) =>
  Effect.gen(function* () {
    const { params, services } = context
    yield* regionOf(context)
    const imageId = yield* params.required("ImageId")
    const imds = yield* params.choice("Features.ImdsSupport", ImdsSupport.literals)
    const image = yield* ownImage(context, imageId)
    const next: Image = {
      ...(imds === undefined ? image : yield* Effect.fromResult(withImdsSupport(image, imds))),
      imageName: params.get("ImageName") ?? image.imageName,
      description: params.get("Description") ?? image.description
    }
    yield* unlessDryRun(context, "ModifyImageAttribute")
    yield* services.ecsResources.putImage(next)
    return answer({}, [`${imageId}: ImdsSupport=${next.imdsSupport}`])
  })

const createImage = (context: ActionContext) =>
  Effect.gen(function* () {
    const { params, services } = context
    const regionId = yield* regionOf(context)
    const instanceId = params.get("InstanceId")
    const snapshotId = params.get("SnapshotId")
    if (instanceId === undefined && snapshotId === undefined) {
      return yield* new EcsMissingParameter({ name: "InstanceId" })
    }
    const requested = yield* params.choice("Features.ImdsSupport", ImdsSupport.literals)
    const source = instanceId === undefined ? undefined : (yield* instanceIn(context, instanceId, regionId)).instance
    const sourceImage = source === undefined ? undefined : services.ecsResources.imageUnsafe(source.imageId)
    yield* unlessDryRun(context, "CreateImage")
    const imageId = yield* services.ecsResources.newImageId
    const image: Image = {
      ...resolveImage({
        imageId,
        imageName: params.get("ImageName") ?? imageId,
        imdsSupport: createdImdsSupport(requested, sourceImage),
        osType: source?.osType ?? "linux",
        imageOwnerAlias: "self",
        ...(sourceImage === undefined ? {} : { osName: sourceImage.osName, platform: sourceImage.platform }),
        ...(params.get("Description") === undefined ? {} : { description: params.get("Description")! })
      }),
      creationTime: utcSeconds(services.clock.nowUnsafe()),
      sourceInstanceId: source?.instanceId ?? null,
      snapshotId: snapshotId ?? null
    }
    yield* services.ecsResources.putImage(image)
    return answer({ ImageId: imageId }, [`${imageId}: created (ImdsSupport=${image.imdsSupport})`])
  })

export const imageActions = {
  DescribeImages: describe(describeImages),
  ModifyImageAttribute: change(modifyImageAttribute),
  CreateImage: change(createImage)
}
