// The `--import` entry `aliyun-imds exec` puts in NODE_OPTIONS: redirects 100.100.100.200:80 to the emulator named by
// ALIYUN_IMDS_EXEC_TARGET for the whole life of the program (and of Node programs it starts, which inherit both).
import { installRedirect, parseTarget, targetVariable } from "./ImdsRedirect.mjs"

installRedirect(parseTarget(process.env[targetVariable]))
