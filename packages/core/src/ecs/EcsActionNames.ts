// The actions the ECS API endpoint answers, named once: the server's action table must have exactly these, and the
// admin API's description of the endpoint lists them.
export const ecsActionNames = [
  "CreateImage",
  "CreateInstance",
  "DeleteInstance",
  "DeleteInstances",
  "DescribeImages",
  "DescribeInstanceAttribute",
  "DescribeInstanceRamRole",
  "DescribeInstances",
  "ModifyImageAttribute",
  "ModifyInstanceMetadataOptions",
  "RunInstances",
  "StartInstance",
  "StopInstance"
] as const

export type EcsActionName = (typeof ecsActionNames)[number]

/** The API version the endpoint speaks. */
export const ecsApiVersion = "2014-05-26"
