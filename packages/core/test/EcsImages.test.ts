import { Result } from "effect"
import { assert, describe, it } from "vitest"
import { resolveAccount } from "../src/ecs/Account.ts"
import { resolveImage, resolveImages } from "../src/ecs/Image.ts"
import { checkHardenable, createdImdsSupport, withImdsSupport } from "../src/ecs/ImdsSupport.ts"
import { linuxImages, windowsImages } from "../src/fleet/Regions.ts"

const v1 = resolveImage({ imageId: "m-custom1", imdsSupport: "v1" })
const v2 = resolveImage({ imageId: "m-custom2", imdsSupport: "v2" })

describe("images and ImdsSupport", () => {
  it("the generated catalogue holds every image generated instances use, including v2 public ones", () => {
    const images = resolveImages()
    assert.deepStrictEqual(
      images.map((i) => i.imageId),
      [...linuxImages, ...windowsImages]
    )
    assert.isTrue(images.some((i) => i.imdsSupport === "v2" && i.imageOwnerAlias === "system"))
    assert.isTrue(images.some((i) => i.imdsSupport === "v1"))
  })

  it("a file image with a catalogue id replaces it; others are added", () => {
    const images = resolveImages([{ imageId: linuxImages[0]!, imdsSupport: "v1" }, { imageId: "m-mine" }])
    assert.strictEqual(images.find((i) => i.imageId === linuxImages[0])?.imdsSupport, "v1")
    assert.strictEqual(images.at(-1)?.imageId, "m-mine")
    assert.strictEqual(images.at(-1)?.imageOwnerAlias, "self")
  })

  it("hardened-only needs a v2 image unless the account allows it", () => {
    assert.isTrue(Result.isFailure(checkHardenable(v1, "required", "refuse")))
    assert.isTrue(Result.isSuccess(checkHardenable(v1, "optional", "refuse")))
    assert.isTrue(Result.isSuccess(checkHardenable(v1, "required", "allow")))
    assert.isTrue(Result.isSuccess(checkHardenable(v2, "required", "refuse")))
  })

  it("ImdsSupport goes from v1 to v2, never back", () => {
    const up = withImdsSupport(v1, "v2")
    assert.isTrue(Result.isSuccess(up) && up.success.imdsSupport === "v2")
    const down = withImdsSupport(v2, "v1")
    assert.isTrue(Result.isFailure(down) && down.failure._tag === "EcsImdsSupportDowngrade")
    assert.isTrue(Result.isSuccess(withImdsSupport(v2, "v2")))
  })

  it("a new image inherits its instance's image's value, or is v1 from a snapshot, unless one is asked for", () => {
    assert.strictEqual(createdImdsSupport(undefined, v2), "v2")
    assert.strictEqual(createdImdsSupport(undefined, undefined), "v1")
    assert.strictEqual(createdImdsSupport("v2", undefined), "v2")
  })

  it("the account's default AccessKey pair is generated from the seed", () => {
    const a = resolveAccount("seed-a", undefined)
    assert.strictEqual(a.imdsSupportCheck, "refuse")
    assert.match(a.accessKeys[0]!.accessKeyId, /^LTAI5t[A-Za-z0-9]{18}$/)
    assert.deepStrictEqual(resolveAccount("seed-a", {}).accessKeys, a.accessKeys)
    assert.notDeepEqual(resolveAccount("seed-b", {}).accessKeys, a.accessKeys)
  })
})
