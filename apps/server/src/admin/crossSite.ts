// The admin listener against web pages: any page a user visits can make the browser send requests to
// 127.0.0.1:8101, and a form or a `fetch` with a text/plain body needs no CORS preflight. Without an admin token
// nothing else would stop such a request from changing the emulator (cross-site request forgery), and a page whose
// domain name is re-pointed at 127.0.0.1 could even read the answers (DNS rebinding). So:
// - a request carrying an `Origin` (browsers send one on every cross-site request that could change something) is
//   answered only when that origin is the listener itself, which is where the web console is served from;
// - without an admin token, a request must be addressed (`Host`) to an IP address or `localhost`, never a domain name.
// Programs (the CLI, the SDK, curl) send no Origin and address the listener by IP, so they are never refused.
import { parseIp } from "@aliyun-imds/core"
import type { MiddlewareHandler } from "hono"
import { type Failure, failureResponse, newRequestId } from "./errors.ts"

const crossOrigin = (origin: string): Failure => ({
  status: 403,
  Code: "Forbidden.CrossOrigin",
  Message: `The admin API does not answer requests sent by a web page from another origin (${origin}).`
})

const hostName = (host: string): Failure => ({
  status: 403,
  Code: "Forbidden.HostName",
  Message:
    `The admin API without an admin token answers only requests addressed to an IP address or localhost, ` +
    `not ${JSON.stringify(host)}; use --admin-token to reach it by another name.`
})

/** The name part of a Host header: `[::1]:8101` → `::1`, `127.0.0.1:8101` → `127.0.0.1`. */
export const hostOf = (host: string): string => {
  if (host.startsWith("[")) return host.slice(1, host.indexOf("]") === -1 ? undefined : host.indexOf("]"))
  const colon = host.indexOf(":")
  return (colon === -1 ? host : host.slice(0, colon)).toLowerCase()
}

/** An address no DNS answer can stand for: an IP literal, or a localhost name browsers resolve to loopback themselves. */
export const isAddressHost = (host: string): boolean => {
  const name = hostOf(host)
  return parseIp(name) !== null || name === "localhost" || name.endsWith(".localhost")
}

/** Whether `origin` (an Origin header) names the listener the request reached (`host`, its Host header). */
export const isSameOrigin = (origin: string, host: string | undefined): boolean => {
  if (host === undefined || origin === "null") return false
  try {
    const url = new URL(origin)
    return (url.protocol === "http:" || url.protocol === "https:") && url.host === new URL(`http://${host}`).host
  } catch {
    return false
  }
}

export const crossSiteGuard = (tokenSet: boolean): MiddlewareHandler =>
  async function crossSiteGuard(c, next) {
    const origin = c.req.header("origin")
    const host = c.req.header("host")
    if (origin !== undefined && !isSameOrigin(origin, host)) return failureResponse(crossOrigin(origin), newRequestId())
    if (!tokenSet && host !== undefined && !isAddressHost(host)) return failureResponse(hostName(host), newRequestId())
    return next()
  }
