// The instance RAM role (spec §9, §16): attach, detach, force a rotation, and read the credentials served now plus
// every credential still valid (two during the overlap window), so a test can check either is accepted.
import { RamRoleInput } from "@aliyun-imds/core"
import { Schema } from "effect"
import { json, operation } from "../Operation.ts"
import { CredentialView, InstanceParams, RoleView } from "../Views.ts"

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

export const roleOperations = {
  DescribeInstanceRamRole: operation({
    method: "GET",
    path: "/v1/instances/{id}/role",
    tag,
    summary: "The attached RAM role, or null",
    params: InstanceParams,
    errors: [404],
    success: json(RoleStatus)
  }),
  AttachInstanceRamRole: operation({
    method: "POST",
    path: "/v1/instances/{id}/role",
    tag,
    summary: "Attach (or replace) the RAM role; a new credential series starts now",
    params: InstanceParams,
    body: AttachRoleRequest,
    errors: [404],
    success: json(RoleWithCredential)
  }),
  DetachInstanceRamRole: operation({
    method: "DELETE",
    path: "/v1/instances/{id}/role",
    tag,
    summary: "Detach the RAM role (`ram/security-credentials/` becomes 404)",
    params: InstanceParams,
    errors: [404],
    success: json(RoleStatus)
  }),
  RotateInstanceRamRoleCredentials: operation({
    method: "POST",
    path: "/v1/instances/{id}/role/rotate",
    tag,
    summary: "Force a rotation: a new credential series (new keys) starts now",
    params: InstanceParams,
    errors: [404, 409],
    success: json(RoleWithCredential)
  }),
  DescribeInstanceRamRoleCredentials: operation({
    method: "GET",
    path: "/v1/instances/{id}/role/credentials",
    tag,
    summary: "The credentials served now and every credential valid now",
    params: InstanceParams,
    errors: [404, 409],
    success: json(RoleCredentials)
  })
}
