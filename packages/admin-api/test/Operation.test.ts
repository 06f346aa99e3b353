import { describe, expect, it } from "vitest"
import { fillPath, honoPath, openApiPath, pathParams } from "../src/Operation.ts"

describe("operation paths", () => {
  const rest = "/v1/instances/{id}/metadata/{path+}"

  it("become Hono routes with a rest parameter, and OpenAPI paths without one", () => {
    expect(honoPath(rest)).toBe("/v1/instances/:id/metadata/:path{.+}")
    expect(openApiPath(rest)).toBe("/v1/instances/{id}/metadata/{path}")
    expect(pathParams(rest)).toEqual(["id", "path"])
  })

  it("are filled with one-segment parameters encoded whole and a rest parameter encoded segment by segment", () => {
    expect(fillPath(rest, { id: "i-a/b c", path: "network/interfaces/macs/00:16:3e/x y" })).toBe(
      "/v1/instances/i-a%2Fb%20c/metadata/network/interfaces/macs/00%3A16%3A3e/x%20y"
    )
    expect(fillPath("/v1/faults/{id}", { id: "f-1" })).toBe("/v1/faults/f-1")
  })
})
