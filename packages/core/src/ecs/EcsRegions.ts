// Which RegionId values the ECS API endpoint knows: the emulator's region catalogue and any region an instance of the
// fleet is placed in (a fleet file may name its own).
import type { Instance } from "../fleet/Instance.ts"
import { findRegion } from "../fleet/Regions.ts"

export const isKnownRegion = (regionId: string, instances: ReadonlyArray<Instance>): boolean =>
  findRegion(regionId) !== undefined || instances.some((i) => i.regionId === regionId)
