// The console's frame: header (virtual clock, theme), the views as keyboard-usable tabs, and the admin-token prompt
// shown when the admin listener answers 401.
import { useEffect, useRef, useState } from "preact/hooks"
import { Audit } from "./Audit.tsx"
import { call, onUnauthorized, setToken } from "./api.ts"
import { Charts } from "./Charts.tsx"
import { Controls } from "./Controls.tsx"
import { Fleet } from "./Fleet.tsx"
import { Journal } from "./Journal.tsx"
import { useStore } from "./store.ts"

const tabs = [
  ["fleet", "Fleet"],
  ["charts", "Charts"],
  ["journal", "Journal"],
  ["audit", "Audit"],
  ["controls", "Clock & faults"]
] as const
type Tab = (typeof tabs)[number][0]

const themeKey = "aliyun-imds.theme"
const tabOfHash = (): Tab => tabs.find(([id]) => `#${id}` === location.hash)?.[0] ?? "fleet"

export const App = () => {
  const [tab, setTab] = useState<Tab>(tabOfHash)
  const [asking, setAsking] = useState(false)
  const [theme, setTheme] = useState(() => localStorage.getItem(themeKey) ?? "auto")
  const store = useStore()
  useEffect(() => onUnauthorized(() => setAsking(true)), [])
  useEffect(() => {
    const follow = () => setTab(tabOfHash())
    addEventListener("hashchange", follow)
    return () => removeEventListener("hashchange", follow)
  }, [])
  useEffect(() => {
    document.documentElement.dataset.theme = theme
    localStorage.setItem(themeKey, theme)
  }, [theme])
  useEffect(() => {
    history.replaceState(null, "", `#${tab}`)
  }, [tab])
  const onTabKey = (e: KeyboardEvent) => {
    const i = tabs.findIndex(([id]) => id === tab)
    const next = e.key === "ArrowRight" ? i + 1 : e.key === "ArrowLeft" ? i - 1 : null
    if (next === null) return
    const [id] = tabs[(next + tabs.length) % tabs.length]!
    setTab(id)
    document.getElementById(`tab-${id}`)?.focus()
  }
  return (
    <>
      <header>
        <h1>
          aliyun-imds <span class="muted">console</span>
        </h1>
        <div class="clock" aria-live="polite" data-testid="clock">
          <span class="muted">virtual time</span> {store.clock ? store.clock.time.replace(".000Z", "Z") : "…"}
          {store.clock?.frozen ? <span class="badge warn">frozen</span> : null}
        </div>
        <label class="theme">
          <span class="muted">theme</span>{" "}
          <select value={theme} onChange={(e) => setTheme(e.currentTarget.value)}>
            <option value="auto">auto</option>
            <option value="light">light</option>
            <option value="dark">dark</option>
          </select>
        </label>
      </header>
      <nav aria-label="Views">
        <div role="tablist" class="tabs" onKeyDown={onTabKey}>
          {tabs.map(([id, label]) => (
            <button
              type="button"
              role="tab"
              class="tab"
              id={`tab-${id}`}
              aria-selected={tab === id}
              tabIndex={tab === id ? 0 : -1}
              onClick={() => setTab(id)}
              key={id}
            >
              {label}
            </button>
          ))}
        </div>
      </nav>
      <main>
        <div role="tabpanel" aria-labelledby={`tab-${tab}`}>
          {tab === "fleet" && <Fleet store={store} />}
          {tab === "charts" && <Charts store={store} />}
          {tab === "journal" && <Journal store={store} />}
          {tab === "audit" && <Audit />}
          {tab === "controls" && <Controls store={store} />}
        </div>
      </main>
      {asking && (
        <TokenPrompt
          onDone={() => {
            setAsking(false)
            store.refresh()
          }}
        />
      )}
    </>
  )
}

const TokenPrompt = ({ onDone }: { onDone: () => void }) => {
  const dialog = useRef<HTMLDialogElement>(null)
  const [value, setValue] = useState("")
  const [error, setError] = useState<string | null>(null)
  useEffect(() => dialog.current?.showModal(), [])
  const submit = async (e: Event) => {
    e.preventDefault()
    setToken(value.trim())
    try {
      await call("DescribeEmulator")
      dialog.current?.close()
      onDone()
    } catch {
      setError("That token was refused.")
    }
  }
  return (
    <dialog ref={dialog} aria-labelledby="token-title" onCancel={(e) => e.preventDefault()}>
      <form onSubmit={submit}>
        <h2 id="token-title">Admin token</h2>
        <p>This admin listener was started with a token. It is kept in this tab only, sent as a header.</p>
        <label>
          Token{" "}
          <input
            type="password"
            autoComplete="off"
            value={value}
            onInput={(e) => setValue(e.currentTarget.value)}
            required
            autoFocus
          />
        </label>
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
        <div class="actions">
          <button type="submit" class="primary">
            Continue
          </button>
        </div>
      </form>
    </dialog>
  )
}
