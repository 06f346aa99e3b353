// @aliyun-imds/msw: msw handlers answering the ECS metadata address in-process with the emulator's own rules.
export { createImds, type Imds, type ImdsOptions } from "./Imds.ts"
