import { Result } from "effect"
import { assert, describe, it } from "vitest"
import { paginate } from "../src/ecs/Paging.ts"

const items = Array.from({ length: 25 }, (_, i) => `i-${String(i).padStart(2, "0")}`)
const page = (request: Parameters<typeof paginate>[1]) => {
  const result = paginate(items, request, (i) => i)
  if (Result.isFailure(result)) throw new Error(`${result.failure.name}=${result.failure.value}`)
  return result.success
}
const refused = (request: Parameters<typeof paginate>[1]) => {
  const result = paginate(items, request, (i) => i)
  return Result.isFailure(result) ? result.failure.name : null
}

describe("paging", () => {
  it("defaults to the first page of 10 and counts every match", () => {
    const first = page({})
    assert.deepStrictEqual(first.items, items.slice(0, 10))
    assert.strictEqual(first.totalCount, 25)
    assert.strictEqual(first.nextToken, "i-10")
  })

  it("PageNumber/PageSize select a page; past the end is empty", () => {
    assert.deepStrictEqual(page({ pageNumber: 3, pageSize: 10 }).items, items.slice(20))
    assert.strictEqual(page({ pageNumber: 3, pageSize: 10 }).nextToken, "")
    assert.deepStrictEqual(page({ pageNumber: 9, pageSize: 10 }).items, [])
  })

  it("NextToken/MaxResults walk every item once", () => {
    const seen: Array<string> = []
    let token: string | undefined
    do {
      const next = page({ maxResults: 7, ...(token === undefined ? {} : { nextToken: token }) })
      seen.push(...next.items)
      token = next.nextToken === "" ? undefined : next.nextToken
    } while (token !== undefined)
    assert.deepStrictEqual(seen, items)
  })

  it("refuses sizes outside 1..100, page numbers below 1 and unknown tokens", () => {
    assert.strictEqual(refused({ pageSize: 0 }), "PageSize")
    assert.strictEqual(refused({ pageSize: 101 }), "PageSize")
    assert.strictEqual(refused({ maxResults: 500 }), "MaxResults")
    assert.strictEqual(refused({ pageNumber: 0 }), "PageNumber")
    assert.strictEqual(refused({ nextToken: "i-99" }), "NextToken")
    assert.isNull(refused({ pageSize: 100 }))
  })
})
