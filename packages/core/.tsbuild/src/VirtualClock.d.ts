import { Context, Duration, Effect, Layer } from "effect";
export interface ClockState {
    readonly now: number;
    readonly offsetMs: number;
    readonly frozen: boolean;
}
declare const VirtualClock_base: Context.ServiceClass<VirtualClock, "@aliyun-imds/core/VirtualClock", {
    readonly nowUnsafe: () => number;
    readonly now: Effect.Effect<number>;
    readonly state: Effect.Effect<ClockState>;
    readonly advance: (by: Duration.Input) => Effect.Effect<ClockState>;
    readonly set: (epochMs: number) => Effect.Effect<ClockState>;
    readonly freeze: Effect.Effect<ClockState>;
    readonly resume: Effect.Effect<ClockState>;
    readonly reset: Effect.Effect<ClockState>;
}>;
export declare class VirtualClock extends VirtualClock_base {
    /** Builds on whatever Clock is in scope, and provides a `Clock` that reads virtual time. */
    static readonly layer: Layer.Layer<VirtualClock>;
    /** VirtualClock plus the Effect `Clock` override, for programs that read `Clock.currentTimeMillis`. */
    static readonly layerWithClock: Layer.Layer<VirtualClock>;
}
export {};
//# sourceMappingURL=VirtualClock.d.ts.map