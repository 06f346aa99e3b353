// Durable state: the versioned document of everything changed at run time, its schema, the store port it is loaded
// and saved through, and the capture, restore and save over the core services.
export {
  captureState,
  type DurableServices,
  type DurableStateApi,
  makeDurableState,
  restoreState
} from "./DurableState.ts"
export {
  decodeStateDocumentResult,
  encodeStateDocument,
  type StateChange,
  StateDocument,
  type StateSection,
  stateJsonSchema,
  stateSections,
  stateVersion
} from "./StateDocument.ts"
export { StateInvalid, type StateLoadError, StateNotSaved, StateTooNew, StateUnreadable } from "./StateErrors.ts"
export {
  type MemoryStateStore,
  makeMemoryStateStore,
  memoryStateStoreLayer,
  StateStore,
  type StateStoreApi
} from "./StateStore.ts"
