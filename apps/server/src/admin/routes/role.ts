// The instance RAM role (spec §9, §16): attach, detach, force a rotation, and read the credentials served now plus
// every credential still valid (two during the overlap window), so a test can check either is accepted.
import {
  credentialsAt,
  type InstanceState,
  RamRoleInput,
  RoleNotAttached,
  type RoleState,
  validCredentialsAt
} from "@aliyun-imds/core"
import { Effect, Schema } from "effect"
import type { AdminDeps } from "../AdminDeps.ts"
import { type AdminRoute, jsonRoute } from "../Route.ts"
import { CredentialView, credentialView, RoleView, roleView, stateOf } from "../views.ts"

export const AttachRoleRequest = RamRoleInput.annotate({ identifier: "AttachRole" })

export const RoleStatus = Schema.Struct({ instanceId: Schema.String, role: Schema.NullOr(RoleView) })

export const RoleWithCredential = Schema.Struct({
  instanceId: Schema.String,
  role: RoleView,
  credential: CredentialView
})

export const RoleCredentials = Schema.Struct({
  instanceId: Schema.String,
  role: Schema.String,
  /** What `ram/security-credentials/<role>` serves now. */
  current: CredentialView,
  /** Every credential valid now, newest first. */
  valid: Schema.Array(CredentialView)
})

const tag = "RAM role"

export const roleRoutes = ({ services: { fleet, clock } }: AdminDeps): ReadonlyArray<AdminRoute> => {
  const series = (state: InstanceState, role: RoleState) => ({
    role,
    instanceId: state.instance.instanceId,
    secret: fleet.credentialSecret
  })
  const attachedRole = (state: InstanceState) =>
    state.role === null
      ? Effect.fail(new RoleNotAttached({ instanceId: state.instance.instanceId }))
      : Effect.succeed(state.role)
  const withCredential = (state: InstanceState) =>
    Effect.gen(function* () {
      const role = yield* attachedRole(state)
      const now = yield* clock.now
      return {
        instanceId: state.instance.instanceId,
        role: roleView(role),
        credential: credentialView(credentialsAt(series(state, role), now))
      }
    })
  const status = (state: InstanceState) => ({
    instanceId: state.instance.instanceId,
    role: state.role === null ? null : roleView(state.role)
  })
  const onInstance = <A, E>(id: string, f: (instanceId: string) => Effect.Effect<A, E>) =>
    Effect.flatMap(stateOf(fleet, id), (s) => f(s.instance.instanceId))
  return [
    jsonRoute({
      method: "GET",
      path: "/v1/instances/:id/role",
      operationId: "getRole",
      tag,
      summary: "The attached RAM role, or null",
      errors: [404],
      response: RoleStatus,
      handle: ({ params }) => Effect.map(stateOf(fleet, params.id!), status)
    }),
    jsonRoute({
      method: "POST",
      path: "/v1/instances/:id/role",
      operationId: "attachRole",
      tag,
      summary: "Attach (or replace) the RAM role; a new credential series starts now",
      body: AttachRoleRequest,
      errors: [404],
      response: RoleWithCredential,
      handle: ({ params, body }) =>
        Effect.flatMap(
          onInstance(params.id!, (id) => fleet.attachRole(id, body.name, body)),
          withCredential
        )
    }),
    jsonRoute({
      method: "DELETE",
      path: "/v1/instances/:id/role",
      operationId: "detachRole",
      tag,
      summary: "Detach the RAM role (`ram/security-credentials/` becomes 404)",
      errors: [404],
      response: RoleStatus,
      handle: ({ params }) => Effect.map(onInstance(params.id!, fleet.detachRole), status)
    }),
    jsonRoute({
      method: "POST",
      path: "/v1/instances/:id/role/rotate",
      operationId: "rotateRole",
      tag,
      summary: "Force a rotation: a new credential series (new keys) starts now",
      errors: [404, 409],
      response: RoleWithCredential,
      handle: ({ params }) => Effect.flatMap(onInstance(params.id!, fleet.rotateRole), withCredential)
    }),
    jsonRoute({
      method: "GET",
      path: "/v1/instances/:id/role/credentials",
      operationId: "getRoleCredentials",
      tag,
      summary: "The credentials served now and every credential valid now",
      errors: [404, 409],
      response: RoleCredentials,
      handle: ({ params }) =>
        Effect.gen(function* () {
          const state = yield* stateOf(fleet, params.id!)
          const role = yield* attachedRole(state)
          const now = yield* clock.now
          return {
            instanceId: state.instance.instanceId,
            role: role.name,
            current: credentialView(credentialsAt(series(state, role), now)),
            valid: validCredentialsAt(series(state, role), now).map(credentialView)
          }
        })
    })
  ]
}
