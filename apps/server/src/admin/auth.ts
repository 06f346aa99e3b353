// Bearer-token guard of the admin listener: with a token configured every route but the open ones (`/health`)
// needs `Authorization: Bearer <token>`, compared in constant time so timing reveals nothing about the token.
import type { MiddlewareHandler } from "hono"
import { failureResponse, newRequestId, unauthorized } from "./errors.ts"

const encoder = new TextEncoder()

/** Time depends on the lengths only, never on where the first difference is. */
export const constantTimeEqual = (a: string, b: string): boolean => {
  const x = encoder.encode(a)
  const y = encoder.encode(b)
  let diff = x.length ^ y.length
  for (let i = 0; i < Math.max(x.length, y.length); i++) diff |= (x[i] ?? 0) ^ (y[i] ?? 0)
  return diff === 0
}

const bearer = /^Bearer[ \t]+(\S+)[ \t]*$/i

export const adminAuth = (token: string | null, openPaths: ReadonlySet<string>): MiddlewareHandler =>
  async function adminAuth(c, next) {
    if (token === null || openPaths.has(c.req.path)) return next()
    const given = bearer.exec(c.req.header("authorization") ?? "")?.[1] ?? ""
    if (constantTimeEqual(given, token)) return next()
    return failureResponse(unauthorized, newRequestId(), { "www-authenticate": 'Bearer realm="aliyun-imds admin"' })
  }
