// The admin API as an OpenAPI 3.1 document, generated from the contract and its Effect Schemas (one shared pool of
// component schemas), so every operation, parameter, body and answer is described by construction.
import { type JsonSchema as Js, JsonSchema, Schema, type SchemaAST, SchemaRepresentation } from "effect"
import { AdminContract } from "./Contract.ts"
import { ErrorBody } from "./Errors.ts"
import { type Operation, openApiPath } from "./Operation.ts"

const errorHelp: Readonly<Record<number, string>> = {
  400: "A parameter is missing or invalid (the message names it).",
  401: "The admin token is missing or wrong.",
  404: "The instance (or other named resource) does not exist.",
  409: "The operation conflicts with the current state.",
  500: "Internal error."
}

type Json = Js.JsonSchema

const successBody = (op: Operation) =>
  op.success._tag === "Json" ? Schema.Struct({ RequestId: Schema.String, ...op.success.schema.fields }) : null

/** Every schema the document refers to, in one pool so shared ones become shared components. */
const schemaPool = (ops: ReadonlyArray<Operation>) => {
  const asts: Array<SchemaAST.AST> = [ErrorBody.ast]
  const slot = (schema: { readonly ast: SchemaAST.AST } | null | undefined) =>
    schema == null ? -1 : asts.push(schema.ast) - 1
  const slots = ops.map((op) => ({
    params: slot(op.params),
    query: slot(op.query),
    body: slot(op.body),
    ok: slot(successBody(op))
  }))
  const multi = SchemaRepresentation.toRepresentations(asts as [SchemaAST.AST, ...Array<SchemaAST.AST>])
  const openapi = JsonSchema.toMultiDocumentOpenApi3_1(
    SchemaRepresentation.toJsonSchemaMultiDocument(multi, { onExcessProperty: "error" })
  )
  const deref = (s: Json): Json => {
    const ref = typeof s.$ref === "string" ? s.$ref.replace("#/components/schemas/", "") : null
    return ref === null ? s : (openapi.definitions[ref] ?? s)
  }
  const at = (i: number): Json | null => (i === -1 ? null : openapi.schemas[i]!)
  return { slots, at, deref, definitions: openapi.definitions }
}

/** The parameters of one part (`path` or `query`) as OpenAPI parameter objects. */
const parametersOf = (where: "path" | "query", schema: Json | null, deref: (s: Json) => Json) => {
  if (schema === null) return []
  const resolved = deref(schema)
  const required = new Set((resolved.required ?? []) as ReadonlyArray<string>)
  return Object.entries((resolved.properties ?? {}) as Record<string, Json>).map(([name, property]) => {
    const { description, ...rest } = deref(property)
    return {
      name,
      in: where,
      required: where === "path" || required.has(name),
      ...(typeof description === "string" ? { description } : {}),
      schema: rest
    }
  })
}

export const openApiDocument = (contract: Readonly<Record<string, Operation>> = AdminContract) => {
  const entries = Object.entries(contract)
  const pool = schemaPool(entries.map(([, op]) => op))
  const errorRef = { $ref: "#/components/schemas/ErrorBody" }
  const paths: Record<string, Record<string, unknown>> = {}
  entries.forEach(([operationId, op], i) => {
    const slot = pool.slots[i]!
    const parameters = [
      ...parametersOf("path", pool.at(slot.params), pool.deref),
      ...parametersOf("query", pool.at(slot.query), pool.deref)
    ]
    const body = pool.at(slot.body)
    const ok =
      op.success._tag === "Json"
        ? { description: op.summary, content: { "application/json": { schema: pool.at(slot.ok) } } }
        : { description: op.success.description, content: { [op.success.contentType]: { schema: { type: "string" } } } }
    const errorStatuses = [400, ...(op.auth === false ? [] : [401]), ...(op.errors ?? []), 500]
    const responses: Record<string, unknown> = {
      [op.success._tag === "Json" ? op.success.status : 200]: ok,
      ...Object.fromEntries(
        errorStatuses.map((s) => [
          s,
          { description: errorHelp[s] ?? "Error.", content: { "application/json": { schema: errorRef } } }
        ])
      )
    }
    const bodyRequired = body !== null && ((pool.deref(body).required ?? []) as ReadonlyArray<string>).length > 0
    const path = openApiPath(op.path)
    paths[path] ??= {}
    paths[path]![op.method.toLowerCase()] = {
      operationId,
      tags: [op.tag],
      summary: op.summary,
      ...(op.description === undefined ? {} : { description: op.description }),
      ...(op.auth === false ? { security: [] } : {}),
      ...(parameters.length === 0 ? {} : { parameters }),
      ...(body === null
        ? {}
        : { requestBody: { required: bodyRequired, content: { "application/json": { schema: body } } } }),
      responses
    }
  })
  return {
    openapi: "3.1.0",
    info: {
      title: "aliyun-imds admin API",
      version: "1",
      description:
        "Control plane of the Alibaba Cloud ECS instance metadata emulator. Errors are ECS-shaped " +
        "(`Code`, `Message`, `RequestId`); every success body carries a `RequestId`. Unknown routes answer 404, " +
        "wrong methods 405. A bearer token is required when the listener was started with one."
    },
    security: [{ adminToken: [] }, {}],
    paths,
    components: {
      schemas: pool.definitions,
      securitySchemes: { adminToken: { type: "http", scheme: "bearer" } }
    }
  }
}
