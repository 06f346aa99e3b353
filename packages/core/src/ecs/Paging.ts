// The two ways Describe* actions page (DescribeInstances): PageNumber/PageSize (1-based, size 1..100, default 10) and
// NextToken/MaxResults (max 1..100, default 10; the token names the first item of the next page, so a page does not
// shift when items before it are deleted). Either way TotalCount counts every match.
import { Result } from "effect"
import { EcsInvalidParameter } from "./EcsErrors.ts"

export interface PageRequest {
  readonly pageNumber?: number | undefined
  readonly pageSize?: number | undefined
  readonly nextToken?: string | undefined
  readonly maxResults?: number | undefined
}

export interface Page<A> {
  readonly items: ReadonlyArray<A>
  readonly totalCount: number
  readonly pageNumber: number
  readonly pageSize: number
  /** "" on the last page. */
  readonly nextToken: string
}

export const defaultPageSize = 10
export const maxPageSize = 100

const bad = (name: string, value: number | string) =>
  Result.fail(new EcsInvalidParameter({ name, value: String(value), code: null }))

const checkSize = (name: string, value: number | undefined) =>
  value === undefined || (Number.isInteger(value) && value >= 1 && value <= maxPageSize) ? null : bad(name, value ?? "")

/** `items` (already filtered, in a stable order) cut to the page asked for; `idOf` names each for NextToken. */
export const paginate = <A>(
  items: ReadonlyArray<A>,
  request: PageRequest,
  idOf: (item: A) => string
): Result.Result<Page<A>, EcsInvalidParameter> => {
  const problem = checkSize("PageSize", request.pageSize) ?? checkSize("MaxResults", request.maxResults)
  if (problem !== null) return problem
  const tokenMode = request.nextToken !== undefined || request.maxResults !== undefined
  const pageNumber = request.pageNumber ?? 1
  if (!Number.isInteger(pageNumber) || pageNumber < 1) return bad("PageNumber", pageNumber)
  const size = (tokenMode ? request.maxResults : request.pageSize) ?? request.pageSize ?? defaultPageSize
  let start = (pageNumber - 1) * size
  if (tokenMode) {
    start =
      request.nextToken === undefined || request.nextToken === ""
        ? 0
        : items.findIndex((i) => idOf(i) === request.nextToken)
    if (start === -1) return bad("NextToken", request.nextToken ?? "")
  }
  const page = items.slice(start, start + size)
  const next = items[start + size]
  return Result.succeed({
    items: page,
    totalCount: items.length,
    pageNumber: tokenMode ? 1 : pageNumber,
    pageSize: size,
    nextToken: next === undefined ? "" : idOf(next)
  })
}
