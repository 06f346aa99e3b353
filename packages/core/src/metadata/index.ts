// The metadata tree: request paths, the tree an instance serves, its exact wire bytes, and its time-driven notices.
export { publishedEvents, renderSystemEvents, spotTerminationTime } from "./Events.ts"
export { type MetadataPath, parsePath, versions } from "./MetadataPath.ts"
export { identityDocument } from "./MetadataTree.ts"
export { type RenderContext, type Resolved, resolve, resolveNow } from "./Render.ts"
