// How the sandbox gets its own network namespace: as root, a plain network + PID namespace; as a normal user, a user
// namespace too (the `unshare -r` kind), where the kernel allows it. Both through util-linux's `unshare`; the
// namespace's loopback is set up with iproute2's `ip`. Linux only.
import { spawnSync } from "node:child_process"
import { accessSync, constants } from "node:fs"
import { delimiter, join } from "node:path"

export type NamespaceKind = "root" | "user"

export interface NamespacePlan {
  readonly kind: NamespaceKind
  /** `unshare` and its flags, to be followed by the inside's command line. */
  readonly unshare: ReadonlyArray<string>
  readonly ip: string
}

export class SandboxUnavailable extends Error {
  override readonly name = "SandboxUnavailable"
}

/** A program on PATH or in the sbin directories (which a normal user's PATH often lacks). */
export const findProgram = (name: string): string | null => {
  const dirs = [...(process.env.PATH ?? "").split(delimiter), "/usr/sbin", "/sbin", "/usr/bin", "/bin"]
  for (const dir of dirs.filter((d) => d !== "")) {
    const candidate = join(dir, name)
    try {
      accessSync(candidate, constants.X_OK)
      return candidate
    } catch {
      // next directory
    }
  }
  return null
}

const namespaceFlags = ["--net", "--pid", "--fork", "--kill-child"]

/** Tries a user + network namespace once, so a refusal is reported before anything else starts. */
const userNamespaceRefusal = (unshare: string): string | null => {
  const probe = spawnSync(unshare, ["--user", "--map-root-user", "--net", "true"], { encoding: "utf8" })
  if (probe.error !== undefined) return probe.error.message
  return probe.status === 0 ? null : probe.stderr.trim() || `exit ${probe.status}`
}

export const planNamespace = (): NamespacePlan => {
  if (process.platform !== "linux") {
    throw new SandboxUnavailable(
      `sandbox needs Linux network namespaces (this is ${process.platform}); for Node programs use 'aliyun-imds exec -- CMD'`
    )
  }
  const unshare = findProgram("unshare")
  if (unshare === null)
    throw new SandboxUnavailable("sandbox needs util-linux's 'unshare' (apt-get install util-linux)")
  const ip = findProgram("ip")
  if (ip === null) throw new SandboxUnavailable("sandbox needs iproute2's 'ip' (apt-get install iproute2)")
  if (process.getuid?.() === 0) return { kind: "root", unshare: [unshare, ...namespaceFlags], ip }
  const refusal = userNamespaceRefusal(unshare)
  if (refusal !== null) {
    throw new SandboxUnavailable(
      `this kernel does not let a normal user create a network namespace (${refusal}); run as root (sudo), ` +
        "allow unprivileged user namespaces (sysctl kernel.unprivileged_userns_clone=1, or on Ubuntu " +
        "kernel.apparmor_restrict_unprivileged_userns=0), or use 'aliyun-imds exec -- CMD' for Node programs"
    )
  }
  return { kind: "user", unshare: [unshare, "--user", "--map-root-user", ...namespaceFlags], ip }
}
