// The admin (control) listener: JSON over HTTP, never reachable through the metadata port. Every operation is an
// entry of the admin contract (@aliyun-imds/admin-api) with its handler here, run through the server's Effect runtime.
import { honoPath } from "@aliyun-imds/admin-api"
import { Cause, Effect, Exit, Option } from "effect"
import type { Context } from "hono"
import { Hono } from "hono"
import { defaultAdminBodyLimitBytes } from "../ConnectionLimits.ts"
import type { AdminDeps } from "./AdminDeps.ts"
import { adminAuth } from "./auth.ts"
import { readBodyWithin } from "./bodyLimit.ts"
import { serveConsole } from "./ConsolePages.ts"
import { crossSiteGuard } from "./crossSite.ts"
import {
  bodyTooLarge,
  failureOf,
  failureResponse,
  internalError,
  methodNotAllowed,
  newRequestId,
  routeNotFound
} from "./errors.ts"
import { type AdminHandlers, type AdminRoute, adminRoutes, type Reply } from "./Handlers.ts"
import { auditHandlers } from "./routes/audit.ts"
import { clockHandlers } from "./routes/clock.ts"
import { counterHandlers } from "./routes/counters.ts"
import { ecsApiHandlers } from "./routes/ecsApi.ts"
import { eventHandlers } from "./routes/events.ts"
import { faultHandlers } from "./routes/faults.ts"
import { fleetHandlers } from "./routes/fleet.ts"
import { instanceHandlers } from "./routes/instances.ts"
import { journalHandlers } from "./routes/journal.ts"
import { metadataHandlers } from "./routes/metadata.ts"
import { metadataOptionsHandlers } from "./routes/metadataOptions.ts"
import { roleHandlers } from "./routes/role.ts"
import { seriesHandlers } from "./routes/series.ts"
import { systemHandlers } from "./routes/system.ts"
import { throttleHandlers } from "./routes/throttle.ts"
import { tokenHandlers } from "./routes/tokens.ts"

/** One handler per operation of the contract: leaving one out, or adding one it does not declare, fails to compile. */
export const adminHandlers = (deps: AdminDeps): AdminHandlers => ({
  ...systemHandlers(deps),
  ...instanceHandlers(deps),
  ...metadataOptionsHandlers(deps),
  ...metadataHandlers(deps),
  ...roleHandlers(deps),
  ...clockHandlers(deps),
  ...eventHandlers(deps),
  ...throttleHandlers(deps),
  ...faultHandlers(deps),
  ...counterHandlers(deps),
  ...journalHandlers(deps),
  ...auditHandlers(deps),
  ...tokenHandlers(deps),
  ...fleetHandlers(deps),
  ...ecsApiHandlers(deps),
  ...seriesHandlers(deps)
})

const toResponse = (reply: Reply, requestId: string): Response => {
  const headers = { "x-acs-request-id": requestId }
  if (reply._tag === "Raw") {
    const live = reply.body instanceof ReadableStream ? { "cache-control": "no-store" } : {}
    return new Response(reply.body as BodyInit, { headers: { ...headers, ...live, "content-type": reply.contentType } })
  }
  return Response.json({ RequestId: requestId, ...reply.data }, { status: reply.status, headers })
}

export const makeAdminApp = (deps: AdminDeps): Hono => {
  const routes = adminRoutes(adminHandlers(deps))
  const bodyLimit = deps.bodyLimitBytes ?? defaultAdminBodyLimitBytes

  // A change is answered once it is durable: the state is saved after the operation, whatever its outcome.
  const save = deps.saveState
  const durably = <A, E>(operation: Effect.Effect<A, E>) =>
    save === undefined ? operation : Effect.flatMap(Effect.exit(operation), (exit) => Effect.andThen(save, exit))

  const run = (route: AdminRoute) =>
    async function adminOperation(c: Context): Promise<Response> {
      const requestId = newRequestId()
      const bodyText = await readBodyWithin(c.req.raw, bodyLimit)
      // Refused before the operation runs: nothing changes.
      if (bodyText === null) return failureResponse(bodyTooLarge(bodyLimit), requestId)
      const raw = { params: c.req.param(), url: new URL(c.req.url), bodyText }
      const operation = route.op.method === "GET" ? route.run(raw) : durably(route.run(raw))
      const exit = await deps.runtime.runPromiseExit(operation, { signal: c.req.raw.signal })
      const operationId = route.id
      if (Exit.isSuccess(exit)) {
        // Changes to the emulated world are rare and worth a trace; reads are not.
        if (route.op.method !== "GET") deps.log.log("info", "admin operation", { operation: operationId, requestId })
        return toResponse(exit.value, requestId)
      }
      const error = Cause.findErrorOption(exit.cause)
      const failure = Option.isSome(error) ? failureOf(error.value) : internalError
      if (failure.status >= 500) {
        deps.log.log("error", "admin operation failed", {
          operation: operationId,
          requestId,
          cause: String(exit.cause)
        })
      }
      return failureResponse(failure, requestId)
    }

  const app = new Hono()
  app.use("*", crossSiteGuard(deps.token !== null))
  serveConsole(app, deps.consoleFiles ?? null)
  const open = new Set(routes.filter((r) => r.op.auth === false).map((r) => honoPath(r.op.path)))
  app.use("*", adminAuth(deps.token, open))
  const methodsByPath = new Map<string, Array<string>>()
  for (const route of routes) {
    const path = honoPath(route.op.path)
    app.on(route.op.method, path, run(route))
    const methods = methodsByPath.get(path) ?? []
    methodsByPath.set(path, [...methods, route.op.method, ...(route.op.method === "GET" ? ["HEAD"] : [])])
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
