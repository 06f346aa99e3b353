// The rules tying an image's Features.ImdsSupport to instances' metadata options (spec §11): hardened-only instances
// need a v2 image (when the account refuses otherwise), ImdsSupport only goes from v1 to v2, and a new image inherits
// its source instance's image's value, or is v1 when made from a snapshot.
import { Result } from "effect"
import type { HttpTokens } from "../Enumerations.ts"
import type { ImdsSupportCheck } from "./Account.ts"
import { ImageNotHardenable, ImdsSupportDowngrade } from "./EcsErrors.ts"
import type { Image, ImdsSupport } from "./Image.ts"

/** Whether an instance with `httpTokens` may be created from `image`. */
export const checkHardenable = (
  image: Image,
  httpTokens: HttpTokens,
  check: ImdsSupportCheck
): Result.Result<void, ImageNotHardenable> =>
  httpTokens === "required" && image.imdsSupport === "v1" && check === "refuse"
    ? Result.fail(new ImageNotHardenable({ imageId: image.imageId }))
    : Result.succeed(undefined)

/** The image with ImdsSupport set to `next`: v1 → v2 (or unchanged) only. */
export const withImdsSupport = (image: Image, next: ImdsSupport): Result.Result<Image, ImdsSupportDowngrade> =>
  image.imdsSupport === "v2" && next === "v1"
    ? Result.fail(new ImdsSupportDowngrade({ imageId: image.imageId }))
    : Result.succeed({ ...image, imdsSupport: next })

/** CreateImage's ImdsSupport: the one asked for, else the source instance's image's, else v1 (snapshots, unknown). */
export const createdImdsSupport = (requested: ImdsSupport | undefined, source: Image | undefined): ImdsSupport =>
  requested ?? source?.imdsSupport ?? "v1"
