// Types of ImdsRedirect.mjs (plain JavaScript, so that Node 20 runs it as it is).
export declare const imdsHost: "100.100.100.200"
export declare const imdsPort: 80
export declare const targetVariable: "ALIYUN_IMDS_EXEC_TARGET"

export interface Target {
  readonly host: string
  readonly port: number
}

export interface Destination {
  readonly host: string
  readonly port: number
  readonly path: string | null
}

export declare const isLoopbackHost: (host: string) => boolean
export declare const parseTarget: (value: string | undefined) => Target | null
export declare const destinationOf: (args: ReadonlyArray<unknown>) => Destination
export declare const isImds: (destination: Destination) => boolean
export declare const installRedirect: (target: Target | null) => () => void
