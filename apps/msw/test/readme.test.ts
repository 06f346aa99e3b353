// The README's example, run as written (its import pointed at this checkout's source) in a Node process of its own:
// it prints the default instance's id, read with a token through msw, and exits cleanly.
import { execFile } from "node:child_process"
import { readFileSync, rmSync, writeFileSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { promisify } from "node:util"
import { afterAll, assert, it } from "vitest"

const dir = fileURLToPath(new URL("..", import.meta.url))
const script = `${dir}.readme-msw.ts`
afterAll(() => rmSync(script, { force: true }))

it("the README example reads the instance id through msw and prints it", async () => {
  const readme = readFileSync(`${dir}README.md`, "utf8")
  const example = /```ts\n([\s\S]*?)```/.exec(readme)?.[1]
  assert.isDefined(example)
  writeFileSync(script, example!.replace('"@aliyun-imds/msw"', '"./src/index.ts"'))
  const { stdout, stderr } = await promisify(execFile)(process.execPath, [script], { cwd: dir })
  assert.strictEqual(stderr, "")
  assert.match(stdout, /^i-[a-z0-9]+\n$/)
})
