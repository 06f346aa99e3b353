// The admin (control) listener: JSON over HTTP, never reachable through the metadata port.
import { Hono } from "hono"
import type { AdminDeps } from "./AdminDeps.ts"

export const makeAdminApp = (deps: AdminDeps): Hono => {
  const app = new Hono()
  app.get("/health", (c) => c.json({ status: "ok", runtime: deps.platformName }))
  return app
}
