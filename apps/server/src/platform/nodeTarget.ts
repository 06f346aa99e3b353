// The request target as @hono/node-server builds its Request URL, so the native Node listener accepts, normalises
// and refuses what the Hono adapter did: a plain origin-form target passes as is (the hot path); anything else goes
// through WHATWG URL (dot segments resolved, odd bytes escaped) or is refused (null: answer 400). One difference: a
// backslash in the path is read as a slash, as the URL parser reads it, and so as Bun and app.fetch do (the adapter
// refused it with 400 to protect static files, which this listener does not serve).
const plainTarget = /^\/[!#$&-;=?-[\]_a-z~]*$/
const dotSegment = /\/\.\.?(?:[/?#]|$)/
const plainHost = /^[a-z0-9._-]+(?::(?:[1-5]\d{3,4}|[6-9]\d{3}))?$/

const parsed = (url: string): URL | null => {
  try {
    return new URL(url)
  } catch {
    return null
  }
}

/** Absolute-form targets (`GET http://host/path`) are taken as they are, once they parse. */
const absolute = (target: string): string | null => parsed(target)?.href ?? null

/** A Host that is not a plain name or address must parse to itself (no userinfo tricks such as `a@b`). */
const oddHost = (host: string, target: string): string | null => {
  const url = parsed(`http://${host}${target}`)
  if (url === null) return null
  const bare = (host.includes(":") ? host.replace(/:\d+$/, "") : host).toLowerCase()
  return url.hostname.length !== host.length && url.hostname !== bare ? null : url.href
}

/** `target` is the raw request-target, `host` the first Host header (the listen address when there is none). */
export const nodeTarget = (target: string, host: string): string | null => {
  if (target.charCodeAt(0) !== 47 && (target.startsWith("http://") || target.startsWith("https://"))) {
    return absolute(target)
  }
  if (host === "") return null
  if (!plainHost.test(host)) return oddHost(host, target)
  if (target.length === 0) return "/"
  if (target.charCodeAt(0) !== 47) return null
  if (plainTarget.test(target) && !dotSegment.test(target)) return target
  return parsed(`http://${host}${target}`)?.href ?? null
}
