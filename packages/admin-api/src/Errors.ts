// The body of every admin error: ECS-shaped (`Code`, `Message`, `RequestId`), whatever the status.
import { Schema } from "effect"

export const ErrorBody = Schema.Struct({
  Code: Schema.String,
  Message: Schema.String,
  RequestId: Schema.String
}).annotate({ identifier: "ErrorBody", description: "An ECS-style error." })
