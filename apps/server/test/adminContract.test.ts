// The server implements the admin contract exactly: one route per operation, at the contract's method and path (the
// handler table itself is checked at compile time: test/typecheck/adminHandlers.ts).
import { AdminContract, honoPath, operationIds } from "@aliyun-imds/admin-api"
import { afterEach, beforeEach, describe, expect, it } from "vitest"
import { type Harness, makeHarness } from "./support/harness.ts"

let h: Harness
beforeEach(async () => {
  h = await makeHarness()
})
afterEach(() => h.dispose())

describe("the admin listener implements the contract", () => {
  it("registers exactly one route per operation, at the contract's method and path", () => {
    // Besides the operations, only the web console's pages (`/`, `/assets/*`: files, not API).
    const registered = h.admin.routes
      .filter((r) => r.method !== "ALL" && r.path !== "/*" && r.path !== "/" && r.path !== "/assets/*")
      .map((r) => `${r.method} ${r.path}`)
    const declared = operationIds.map((id) => `${AdminContract[id].method} ${honoPath(AdminContract[id].path)}`)
    expect([...registered].sort()).toEqual([...declared].sort())
  })
})
