// The unmodified official ECS SDK (@alicloud/ecs20140526 over @alicloud/openapi-core) pointed at an emulator's ECS
// listener over plain http on loopback, and how a refused call reads (its ECS code and HTTP status).
import * as Ecs from "@alicloud/ecs20140526"
import * as OpenApi from "@alicloud/openapi-core"
import { commonJsDefault } from "./commonJs.ts"

export { Ecs }

/** The SDK's client class: Node's and Vite's CommonJS interop differ in where they put `exports.default`. */
type ClientClass = typeof import("@alicloud/ecs20140526").default
const Client = commonJsDefault<ClientClass>(Ecs.default)
export type EcsClient = InstanceType<ClientClass>

export interface Keys {
  readonly accessKeyId: string
  readonly accessKeySecret: string
  readonly securityToken?: string
}

/** A client of `ecsUrl` (`http://127.0.0.1:PORT`); `signatureAlgorithm: "v2"` selects the RPC HMAC-SHA1 signature. */
export const ecsClient = (ecsUrl: string, keys: Keys, signatureAlgorithm?: "v2"): EcsClient =>
  new Client(
    new OpenApi.$OpenApiUtil.Config({
      ...keys,
      protocol: "http",
      endpoint: new URL(ecsUrl).host,
      regionId: "cn-hangzhou",
      ...(signatureAlgorithm === undefined ? {} : { signatureAlgorithm })
    })
  )

export interface Refusal {
  readonly code: string
  readonly status: number
  readonly message: string
}

/** The ECS error a call ends with; throws when it succeeds. */
export const refusal = async (call: Promise<unknown>): Promise<Refusal> => {
  try {
    await call
  } catch (error) {
    const e = error as { code?: string; statusCode?: number; message?: string }
    return { code: String(e.code), status: Number(e.statusCode), message: String(e.message) }
  }
  throw new Error("the call succeeded")
}
