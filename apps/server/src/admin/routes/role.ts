// The instance RAM role: attach, detach, force a rotation, and read the credentials served now plus every credential
// still valid (two during the overlap window).
import {
  credentialsAt,
  type InstanceState,
  RoleNotAttached,
  type RoleState,
  validCredentialsAt
} from "@aliyun-imds/core"
import { Effect } from "effect"
import type { AdminDeps } from "../AdminDeps.ts"
import type { AdminHandlers } from "../Handlers.ts"
import { credentialView, roleView, stateOf } from "../views.ts"

export const roleHandlers = ({ services: { fleet, clock } }: AdminDeps) => {
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
  return {
    DescribeInstanceRamRole: ({ params }) => Effect.map(stateOf(fleet, params.id), status),
    AttachInstanceRamRole: ({ params, body }) =>
      Effect.flatMap(
        onInstance(params.id, (id) => fleet.attachRole(id, body.name, body)),
        withCredential
      ),
    DetachInstanceRamRole: ({ params }) => Effect.map(onInstance(params.id, fleet.detachRole), status),
    RotateInstanceRamRoleCredentials: ({ params }) =>
      Effect.flatMap(onInstance(params.id, fleet.rotateRole), withCredential),
    DescribeInstanceRamRoleCredentials: ({ params }) =>
      Effect.gen(function* () {
        const state = yield* stateOf(fleet, params.id)
        const role = yield* attachedRole(state)
        const now = yield* clock.now
        return {
          instanceId: state.instance.instanceId,
          role: role.name,
          current: credentialView(credentialsAt(series(state, role), now)),
          valid: validCredentialsAt(series(state, role), now).map(credentialView)
        }
      })
  } satisfies Partial<AdminHandlers>
}
