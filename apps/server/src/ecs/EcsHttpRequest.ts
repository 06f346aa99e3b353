// An ECS RPC request as the endpoint reads it from a Fetch Request: method, path, the decoded query, the form body's
// parameters, the body's bytes (their SHA-256 is signed) and header look-up. GET with a query and POST with a form
// (or an empty body and a query, as @alicloud/openapi-core sends it) are both accepted.
export interface EcsHttpRequest {
  readonly method: string
  readonly path: string
  readonly query: Readonly<Record<string, string>>
  readonly form: Readonly<Record<string, string>>
  readonly body: Uint8Array
  /** Lower-case name. */
  readonly header: (name: string) => string | undefined
}

const decodeForm = (text: string): Record<string, string> => {
  const out: Record<string, string> = {}
  for (const [key, value] of new URLSearchParams(text)) out[key] = value
  return out
}

export const readEcsRequest = async (request: Request): Promise<EcsHttpRequest> => {
  const url = new URL(request.url)
  const body = new Uint8Array(await request.arrayBuffer())
  const type = request.headers.get("content-type") ?? ""
  const form = type.startsWith("application/x-www-form-urlencoded") ? decodeForm(new TextDecoder().decode(body)) : {}
  return {
    method: request.method,
    path: url.pathname,
    query: decodeForm(url.search),
    form,
    body,
    header: (name) => request.headers.get(name) ?? undefined
  }
}

/** Query and form parameters together (the form wins, as it is what the body signs). */
export const paramsOf = (request: EcsHttpRequest): Readonly<Record<string, string>> => ({
  ...request.query,
  ...request.form
})
