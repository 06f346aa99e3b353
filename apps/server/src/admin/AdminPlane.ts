// The admin (control) listener: JSON over HTTP, never reachable through the metadata port. Every operation comes
// from the route table (routes/*), runs through the server's Effect runtime, and is described in /openapi.json.
import { Cause, Exit, Option } from "effect"
import type { Context } from "hono"
import { Hono } from "hono"
import type { AdminDeps } from "./AdminDeps.ts"
import { adminAuth } from "./auth.ts"
import { failureOf, failureResponse, internalError, methodNotAllowed, newRequestId, routeNotFound } from "./errors.ts"
import { openApiDocument } from "./openapi.ts"
import type { AdminRoute, Reply } from "./Route.ts"
import { clockRoutes } from "./routes/clock.ts"
import { counterRoutes } from "./routes/counters.ts"
import { eventRoutes } from "./routes/events.ts"
import { faultRoutes } from "./routes/faults.ts"
import { fleetRoutes } from "./routes/fleet.ts"
import { instanceRoutes } from "./routes/instances.ts"
import { journalRoutes } from "./routes/journal.ts"
import { metadataRoutes } from "./routes/metadata.ts"
import { metadataOptionsRoutes } from "./routes/metadataOptions.ts"
import { roleRoutes } from "./routes/role.ts"
import { systemRoutes } from "./routes/system.ts"
import { throttleRoutes } from "./routes/throttle.ts"
import { tokenRoutes } from "./routes/tokens.ts"

/** Every admin operation; `openapi` lazily describes the same list. */
export const adminRoutes = (deps: AdminDeps, openapi: () => object): ReadonlyArray<AdminRoute> => [
  ...systemRoutes(deps, openapi),
  ...instanceRoutes(deps),
  ...metadataOptionsRoutes(deps),
  ...metadataRoutes(deps),
  ...roleRoutes(deps),
  ...clockRoutes(deps),
  ...eventRoutes(deps),
  ...throttleRoutes(deps),
  ...faultRoutes(deps),
  ...counterRoutes(deps),
  ...journalRoutes(deps),
  ...tokenRoutes(deps),
  ...fleetRoutes(deps)
]

const toResponse = (reply: Reply, requestId: string): Response => {
  const headers = { "x-acs-request-id": requestId }
  if (reply._tag === "RawReply") {
    return new Response(reply.body as BodyInit, { headers: { ...headers, "content-type": reply.contentType } })
  }
  return Response.json({ RequestId: requestId, ...reply.data }, { status: reply.status, headers })
}

export const makeAdminApp = (deps: AdminDeps): Hono => {
  let document: object | null = null
  const routes: ReadonlyArray<AdminRoute> = adminRoutes(deps, () => {
    document ??= openApiDocument(routes.map((r) => r.doc))
    return document
  })

  const run = (route: AdminRoute) =>
    async function adminOperation(c: Context): Promise<Response> {
      const requestId = newRequestId()
      const raw = { params: c.req.param(), url: new URL(c.req.url), bodyText: await c.req.text() }
      const exit = await deps.runtime.runPromiseExit(route.run(raw), { signal: c.req.raw.signal })
      const operation = route.doc.operationId
      if (Exit.isSuccess(exit)) {
        // Changes to the emulated world are rare and worth a trace; reads are not.
        if (route.doc.method !== "GET") deps.log.log("info", "admin operation", { operation, requestId })
        return toResponse(exit.value, requestId)
      }
      const error = Cause.findErrorOption(exit.cause)
      const failure = Option.isSome(error) ? failureOf(error.value) : internalError
      if (failure.status >= 500) {
        deps.log.log("error", "admin operation failed", { operation, requestId, cause: String(exit.cause) })
      }
      return failureResponse(failure, requestId)
    }

  const app = new Hono()
  const open = new Set(routes.filter((r) => r.doc.auth === false).map((r) => r.doc.path))
  app.use("*", adminAuth(deps.token, open))
  const methodsByPath = new Map<string, Array<string>>()
  for (const route of routes) {
    app.on(route.doc.method, route.doc.path, run(route))
    const methods = methodsByPath.get(route.doc.path) ?? []
    methodsByPath.set(route.doc.path, [...methods, route.doc.method, ...(route.doc.method === "GET" ? ["HEAD"] : [])])
  }
  // Registered after every method handler, so it only answers methods the path does not have.
  for (const [path, allow] of methodsByPath) {
    app.all(path, (c) =>
      failureResponse(methodNotAllowed(c.req.method, allow), newRequestId(), { allow: allow.join(", ") })
    )
  }
  app.notFound(() => failureResponse(routeNotFound, newRequestId()))
  app.onError((error) => {
    deps.log.log("error", "admin request failed", { error: String(error) })
    return failureResponse(internalError, newRequestId())
  })
  return app
}
