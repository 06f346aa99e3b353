// The admin API from the page: each call names an operation of the contract (its method and path come from the
// contract at build time), sends the admin token as a header when one was given, and types its answer from the contract.
import type { AdminInput, AdminOutput, OperationId } from "@aliyun-imds/admin-api"

declare const __ADMIN_ROUTES__: Record<OperationId, readonly [string, string]>

const tokenKey = "aliyun-imds.admin-token"
let token: string | null = sessionStorage.getItem(tokenKey)
const authListeners = new Set<() => void>()

/** The token lives in this tab's session storage only: never in a URL, gone when the tab closes. */
export const setToken = (value: string | null) => {
  token = value
  if (value === null) sessionStorage.removeItem(tokenKey)
  else sessionStorage.setItem(tokenKey, value)
}
/** Called when the admin listener answers 401: the page asks for the token. */
export const onUnauthorized = (f: () => void) => {
  authListeners.add(f)
  return () => authListeners.delete(f)
}

export class ApiError extends Error {
  readonly status: number
  readonly code: string
  constructor(status: number, code: string, message: string) {
    super(message)
    this.status = status
    this.code = code
  }
}

export const headers = (): Record<string, string> => (token === null ? {} : { authorization: `Bearer ${token}` })

interface Loose {
  readonly params?: Readonly<Record<string, string>>
  readonly query?: Readonly<Record<string, string | undefined>>
  readonly body?: unknown
}

export const urlOf = (id: OperationId, input: Loose = {}): string => {
  const [, path] = __ADMIN_ROUTES__[id]
  const filled = path.replace(/\{(\w+)\+?\}/g, (_, name: string) => encodeURIComponent(input.params?.[name] ?? ""))
  const query = Object.entries(input.query ?? {}).filter((e): e is [string, string] => e[1] !== undefined)
  return query.length === 0 ? filled : `${filled}?${new URLSearchParams(query)}`
}

const failed = async (res: Response): Promise<never> => {
  if (res.status === 401) for (const f of authListeners) f()
  const body = (await res.json().catch(() => null)) as { Code?: string; Message?: string } | null
  throw new ApiError(res.status, body?.Code ?? `HTTP ${res.status}`, body?.Message ?? res.statusText)
}

type Args<K extends OperationId> = object extends AdminInput<K> ? [input?: AdminInput<K>] : [input: AdminInput<K>]

/** Calls one admin operation; JSON answers come back parsed, others (PEM, text) as text. */
export const call = async <K extends OperationId>(id: K, ...[input]: Args<K>): Promise<AdminOutput<K>> => {
  const loose = (input ?? {}) as Loose
  const [method] = __ADMIN_ROUTES__[id]
  const res = await fetch(urlOf(id, loose), {
    method,
    headers: { ...headers(), ...(loose.body === undefined ? {} : { "content-type": "application/json" }) },
    ...(loose.body === undefined ? {} : { body: JSON.stringify(loose.body) })
  })
  if (!res.ok) return failed(res)
  const type = res.headers.get("content-type") ?? ""
  return (type.startsWith("application/json") && id !== "GetOpenApiDocument" ? res.json() : res.text()) as Promise<
    AdminOutput<K>
  >
}

/**
 * Follows a Server-Sent Events operation with fetch (so the token goes in a header, which EventSource cannot send),
 * handing each event to `on` until `signal` aborts. Resolves when the stream ends.
 */
export const follow = async (
  id: OperationId,
  input: Loose,
  on: (event: string, data: unknown) => void,
  signal: AbortSignal
): Promise<void> => {
  const res = await fetch(urlOf(id, input), { headers: headers(), signal })
  if (!res.ok || res.body === null) return failed(res)
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader()
  let buffer = ""
  for (;;) {
    const { value, done } = await reader.read()
    if (done) return
    buffer += value
    for (let end = buffer.indexOf("\n\n"); end >= 0; end = buffer.indexOf("\n\n")) {
      const block = buffer.slice(0, end)
      buffer = buffer.slice(end + 2)
      const name = /^event: (.*)$/m.exec(block)?.[1]
      const data = /^data: (.*)$/m.exec(block)?.[1]
      if (name !== undefined && data !== undefined) on(name, JSON.parse(data))
    }
  }
}
