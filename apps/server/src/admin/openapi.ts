// The admin API as an OpenAPI 3.1 document, generated from the route table and its Effect Schemas (one shared pool
// of component schemas), so every registered route, body and response is described by construction.
import { type JsonSchema as Js, JsonSchema, Schema, type SchemaAST, SchemaRepresentation } from "effect"
import { ErrorBody } from "./errors.ts"
import type { RouteDoc } from "./Route.ts"

/** `/v1/instances/:id/metadata/:path{.+}` → `/v1/instances/{id}/metadata/{path}`. */
export const openApiPath = (honoPath: string): string => honoPath.replace(/:(\w+)(\{[^}]*\})?/g, "{$1}")

const pathParamHelp: Readonly<Record<string, string>> = {
  id: 'An instance id, or "default" for the fleet\'s default instance.',
  path: "A path below the prefix, e.g. `instance/instance-type`."
}

const errorHelp: Readonly<Record<number, string>> = {
  400: "A parameter is missing or invalid (the message names it).",
  401: "The admin token is missing or wrong.",
  404: "The instance (or other named resource) does not exist.",
  409: "The operation conflicts with the current state.",
  500: "Internal error."
}

type Json = Js.JsonSchema

const paramsOf = (path: string) => [...path.matchAll(/:(\w+)/g)].map((m) => m[1]!)

const bodySchema = (doc: RouteDoc) => {
  if (doc.success._tag !== "Json") return null
  return Schema.Struct({ RequestId: Schema.String, ...doc.success.schema.fields })
}

export const openApiDocument = (docs: ReadonlyArray<RouteDoc>): Record<string, unknown> => {
  const asts: Array<SchemaAST.AST> = [ErrorBody.ast]
  const slot = (schema: { readonly ast: SchemaAST.AST } | null | undefined) =>
    schema == null ? -1 : asts.push(schema.ast) - 1
  const slots = docs.map((doc) => ({ query: slot(doc.query), body: slot(doc.body), ok: slot(bodySchema(doc)) }))
  const multi = SchemaRepresentation.toRepresentations(asts as [SchemaAST.AST, ...Array<SchemaAST.AST>])
  const openapi = JsonSchema.toMultiDocumentOpenApi3_1(
    SchemaRepresentation.toJsonSchemaMultiDocument(multi, { onExcessProperty: "error" })
  )
  const schemas = openapi.schemas
  const deref = (s: Json): Json => {
    const ref = typeof s.$ref === "string" ? s.$ref.replace("#/components/schemas/", "") : null
    return ref === null ? s : (openapi.definitions[ref] ?? s)
  }
  const errorRef = { $ref: "#/components/schemas/ErrorBody" }
  const paths: Record<string, Record<string, unknown>> = {}
  docs.forEach((doc, i) => {
    const slot = slots[i]!
    const query = slot.query === -1 ? null : deref(schemas[slot.query]!)
    const queryProps = (query?.properties ?? {}) as Record<string, Json>
    const requiredQuery = new Set((query?.required ?? []) as ReadonlyArray<string>)
    const parameters = [
      ...paramsOf(doc.path).map((name) => ({
        name,
        in: "path",
        required: true,
        description: pathParamHelp[name] ?? name,
        schema: { type: "string" }
      })),
      ...Object.entries(queryProps).map(([name, schema]) => ({
        name,
        in: "query",
        required: requiredQuery.has(name),
        schema
      }))
    ]
    const body = slot.body === -1 ? null : schemas[slot.body]!
    const success = doc.success
    const ok =
      success._tag === "Json"
        ? { description: doc.summary, content: { "application/json": { schema: schemas[slot.ok]! } } }
        : { description: success.description, content: { [success.contentType]: { schema: { type: "string" } } } }
    const errorStatuses = [400, ...(doc.auth === false ? [] : [401]), ...(doc.errors ?? []), 500]
    const responses: Record<string, unknown> = {
      [success._tag === "Json" ? success.status : 200]: ok,
      ...Object.fromEntries(
        errorStatuses.map((s) => [
          s,
          { description: errorHelp[s] ?? "Error.", content: { "application/json": { schema: errorRef } } }
        ])
      )
    }
    const bodyRequired = body !== null && ((deref(body).required ?? []) as ReadonlyArray<string>).length > 0
    paths[openApiPath(doc.path)] ??= {}
    paths[openApiPath(doc.path)]![doc.method.toLowerCase()] = {
      operationId: doc.operationId,
      tags: [doc.tag],
      summary: doc.summary,
      ...(doc.description === undefined ? {} : { description: doc.description }),
      ...(doc.auth === false ? { security: [] } : {}),
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
      schemas: openapi.definitions,
      securitySchemes: { adminToken: { type: "http", scheme: "bearer" } }
    }
  }
}
