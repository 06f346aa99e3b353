import { Validator } from "@seriousme/openapi-schema-validator"
import { describe, expect, it } from "vitest"
import { AdminContract, operationIds } from "../src/Contract.ts"
import { openApiDocument } from "../src/OpenApi.ts"
import { openApiPath } from "../src/Operation.ts"

describe("the OpenAPI document", () => {
  const doc = openApiDocument()

  it("is a valid OpenAPI 3.1 document by an independent validator", async () => {
    const result = await new Validator().validate(JSON.parse(JSON.stringify(doc)))
    expect(result.errors, JSON.stringify(result.errors, null, 2)).toBeUndefined()
    expect(result.valid).toBe(true)
  })

  it("describes every operation of the contract once, under its operationId", () => {
    const described = Object.values(doc.paths).flatMap((ops) =>
      Object.values(ops as Record<string, { operationId: string }>).map((o) => o.operationId)
    )
    expect([...described].sort()).toEqual([...operationIds].sort())
    for (const id of operationIds) {
      const op = AdminContract[id]
      const entry = (doc.paths[openApiPath(op.path)] as Record<string, { operationId: string }>)[
        op.method.toLowerCase()
      ]
      expect(entry?.operationId, id).toBe(id)
    }
  })

  it("names every path parameter with its description, and every query parameter of a query schema", () => {
    const get = (path: string, method: string) =>
      (doc.paths[path] as Record<string, { parameters: Array<{ name: string; in: string; description?: string }> }>)[
        method
      ]!
    expect(get("/v1/instances/{id}/metadata/{path}", "put").parameters).toEqual([
      expect.objectContaining({ name: "id", in: "path", description: expect.stringContaining('"default"') }),
      expect.objectContaining({ name: "path", in: "path", description: expect.stringContaining("below the prefix") })
    ])
    expect(get("/v1/journal", "get").parameters.map((p) => p.name)).toEqual([
      "instance",
      "mode",
      "status",
      "since",
      "afterSeq",
      "limit"
    ])
  })

  it("shows each journal entry's calling process, or why it has none, and the misses counted by reason", () => {
    // biome-ignore lint/suspicious/noExplicitAny: the test reads the document's JSON Schema shapes
    const schemas = (doc as unknown as { components: { schemas: Record<string, any> } }).components.schemas
    const entry = schemas.JournalEntry
    expect(entry.required).toEqual(expect.arrayContaining(["process", "processMiss"]))
    expect(entry.properties.process.anyOf).toEqual([{ $ref: "#/components/schemas/CallerProcess" }, { type: "null" }])
    expect(entry.properties.processMiss.anyOf[0].enum).toEqual(["off", "unsupported", "remote", "not-found", "denied"])
    expect(schemas.CallerProcess.required).toEqual(["pid", "ppid", "exe", "cmdline"])
    expect(Object.keys(schemas.InstanceCounters.properties.processMissed.properties)).toEqual([
      "off",
      "unsupported",
      "remote",
      "not-found",
      "denied"
    ])
  })
})
