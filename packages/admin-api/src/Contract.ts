// The admin API, declared once: every operation by its operationId (the ECS action's name where ECS has one). The
// server implements exactly these, the OpenAPI document describes them, and the typed client calls them.
import type { HandlerRequest, HandlerResult, Input, Output } from "./Operation.ts"
import { auditOperations } from "./operations/Audit.ts"
import { clockOperations } from "./operations/Clock.ts"
import { ecsApiOperations } from "./operations/EcsApi.ts"
import { eventOperations } from "./operations/Events.ts"
import { faultOperations } from "./operations/Faults.ts"
import { fleetOperations } from "./operations/Fleet.ts"
import { instanceOperations } from "./operations/Instances.ts"
import { metadataOperations } from "./operations/Metadata.ts"
import { metadataOptionsOperations } from "./operations/MetadataOptions.ts"
import { observabilityOperations } from "./operations/Observability.ts"
import { roleOperations } from "./operations/Role.ts"
import { seriesOperations } from "./operations/Series.ts"
import { systemOperations } from "./operations/System.ts"
import { throttleOperations } from "./operations/Throttle.ts"
import { tokenOperations } from "./operations/Tokens.ts"

export const AdminContract = {
  ...systemOperations,
  ...instanceOperations,
  ...metadataOptionsOperations,
  ...metadataOperations,
  ...roleOperations,
  ...clockOperations,
  ...eventOperations,
  ...throttleOperations,
  ...faultOperations,
  ...observabilityOperations,
  ...auditOperations,
  ...tokenOperations,
  ...fleetOperations,
  ...ecsApiOperations,
  ...seriesOperations
}

export type AdminContract = typeof AdminContract
export type OperationId = keyof AdminContract

export const operationIds = Object.keys(AdminContract) as ReadonlyArray<OperationId>

export type AdminInput<K extends OperationId> = Input<AdminContract[K]>
export type AdminOutput<K extends OperationId> = Output<AdminContract[K]>
export type AdminHandlerRequest<K extends OperationId> = HandlerRequest<AdminContract[K]>
export type AdminHandlerResult<K extends OperationId> = HandlerResult<AdminContract[K]>
