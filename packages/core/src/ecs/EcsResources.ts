// What the ECS API changes besides the fleet's instances: the image catalogue (the fleet file's images plus those
// CreateImage made or ModifyImageAttribute changed) and which instances are stopped (StartInstance/StopInstance
// change `Status` only; the metadata service keeps serving). Its run-time part is saved and restored like the fleet's.
import { Context, Effect, Layer } from "effect"
import { makeRandom } from "../fleet/SeededRandom.ts"
import { ImageNotFound } from "./EcsErrors.ts"
import type { Image } from "./Image.ts"

export type InstanceStatus = "Running" | "Stopped"

/** The run-time part: images made or changed through the API (whole), stopped instances, images made so far. */
export interface EcsResourcesSaved {
  readonly images: ReadonlyArray<Image>
  readonly stopped: ReadonlyArray<string>
  readonly imageCount: number
}

export interface EcsResourcesApi {
  readonly images: Effect.Effect<ReadonlyArray<Image>>
  readonly image: (imageId: string) => Effect.Effect<Image, ImageNotFound>
  readonly imageUnsafe: (imageId: string) => Image | undefined
  /** Adds or replaces an image. */
  readonly putImage: (image: Image) => Effect.Effect<Image>
  /** A new image id (`m-` + 20), never repeated. */
  readonly newImageId: Effect.Effect<string>
  readonly statusUnsafe: (instanceId: string) => InstanceStatus
  readonly setStatus: (instanceId: string, status: InstanceStatus) => Effect.Effect<void>
  /** Forgets a deleted instance's status. */
  readonly forget: (instanceId: string) => Effect.Effect<void>
  readonly saved: Effect.Effect<EcsResourcesSaved>
  readonly restore: (saved: EcsResourcesSaved) => Effect.Effect<void>
  /** Back to the loaded images, every instance running. */
  readonly reset: Effect.Effect<void>
  /** A new file's images, with the run-time images on top. */
  readonly reload: (images: ReadonlyArray<Image>, seed: string) => Effect.Effect<void>
}

export interface EcsResourcesConfig {
  readonly seed: string
  readonly images: ReadonlyArray<Image>
}

const LOWER_ALNUM = "abcdefghijklmnopqrstuvwxyz0123456789"

const make = (config: EcsResourcesConfig): EcsResourcesApi => {
  let seed = config.seed
  let loaded = new Map(config.images.map((i) => [i.imageId, i]))
  let changed = new Map<string, Image>()
  let stopped = new Set<string>()
  let imageCount = 0
  const imageUnsafe = (id: string) => changed.get(id) ?? loaded.get(id)
  const all = () => [...new Map([...loaded, ...changed]).values()]
  return {
    images: Effect.sync(all),
    image: (id) =>
      Effect.suspend(() => {
        const found = imageUnsafe(id)
        return found === undefined ? Effect.fail(new ImageNotFound({ imageId: id })) : Effect.succeed(found)
      }),
    imageUnsafe,
    putImage: (image) =>
      Effect.sync(() => {
        changed.set(image.imageId, image)
        return image
      }),
    newImageId: Effect.sync(() => `m-${makeRandom(seed, `image/${imageCount++}`).chars(20, LOWER_ALNUM)}`),
    statusUnsafe: (id) => (stopped.has(id) ? "Stopped" : "Running"),
    setStatus: (id, status) =>
      Effect.sync(() => {
        if (status === "Stopped") stopped.add(id)
        else stopped.delete(id)
      }),
    forget: (id) => Effect.sync(() => void stopped.delete(id)),
    saved: Effect.sync(() => ({ images: [...changed.values()], stopped: [...stopped], imageCount })),
    restore: (saved) =>
      Effect.sync(() => {
        changed = new Map(saved.images.map((i) => [i.imageId, i]))
        stopped = new Set(saved.stopped)
        imageCount = Math.max(imageCount, saved.imageCount)
      }),
    reset: Effect.sync(() => {
      changed = new Map()
      stopped = new Set()
    }),
    reload: (images, nextSeed) =>
      Effect.sync(() => {
        loaded = new Map(images.map((i) => [i.imageId, i]))
        seed = nextSeed
      })
  }
}

export class EcsResources extends Context.Service<EcsResources, EcsResourcesApi>()("@aliyun-imds/core/EcsResources") {
  static readonly layer = (config: EcsResourcesConfig): Layer.Layer<EcsResources> =>
    Layer.sync(EcsResources, () => make(config))
}
