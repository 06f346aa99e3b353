// Bun listeners: the node:http ones (listenNode.ts) under Bun's node:http. Bun.serve would be a little faster, but it
// shows no connection until a request arrives, so it can neither time out a silent or half-sent request head nor
// count connections; its own idle timeout starts only after the first response (ConnectionLimits.ts).

import type { RuntimeListeners } from "./Listener.ts"
import { nodeListeners } from "./listenNode.ts"

export const isBun = (): boolean => typeof (globalThis as { Bun?: unknown }).Bun !== "undefined"

export const bunListeners: RuntimeListeners = { ...nodeListeners, name: "bun" }
