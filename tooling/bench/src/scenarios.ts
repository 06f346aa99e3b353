// The request mixes the suite measures. Each prepares its requests against a running server (fetching a token or
// the role name first) so the load generator only replays fixed requests.
import type { RequestSpec } from "./load/spec.ts"

export const ttlHeader = "x-aliyun-ecs-metadata-token-ttl-seconds"
export const tokenHeader = "x-aliyun-ecs-metadata-token"

export interface Scenario {
  readonly id: string
  readonly title: string
  readonly prepare: (url: string) => Promise<ReadonlyArray<RequestSpec>>
}

const get = (path: string, headers: Record<string, string> = {}): RequestSpec => ({ method: "GET", path, headers })
export const tokenPut: RequestSpec = { method: "PUT", path: "/latest/api/token", headers: { [ttlHeader]: "21600" } }

const expectOk = async (response: Response): Promise<string> => {
  const body = await response.text()
  if (response.status !== 200) throw new Error(`${response.url}: HTTP ${response.status} ${body}`)
  return body
}

/** A fresh 6-hour token from the server at `url`. */
export const fetchToken = async (url: string): Promise<string> =>
  expectOk(await fetch(`${url}/latest/api/token`, { method: "PUT", headers: tokenPut.headers }))

const instanceId = "/latest/meta-data/instance-id"

export const scenarios: ReadonlyArray<Scenario> = [
  { id: "normal-get", title: "normal-mode GET instance-id", prepare: async () => [get(instanceId)] },
  {
    id: "token-get",
    title: "token GET instance-id",
    prepare: async (url) => [get(instanceId, { [tokenHeader]: await fetchToken(url) })]
  },
  { id: "token-put", title: "token PUT", prepare: async () => [tokenPut] },
  {
    id: "ram-credentials",
    title: "RAM credentials GET",
    prepare: async (url) => {
      const roles = await expectOk(await fetch(`${url}/latest/meta-data/ram/security-credentials/`))
      return [get(`/latest/meta-data/ram/security-credentials/${roles.split("\n")[0]}`)]
    }
  },
  { id: "listing", title: "listing GET meta-data/", prepare: async () => [get("/latest/meta-data/")] },
  { id: "all", title: "GET meta-data/all", prepare: async () => [get("/latest/meta-data/all")] }
]

export const scenarioById = (id: string): Scenario => {
  const found = scenarios.find((s) => s.id === id)
  if (found === undefined) throw new Error(`unknown scenario ${id}; one of ${scenarios.map((s) => s.id).join(", ")}`)
  return found
}
