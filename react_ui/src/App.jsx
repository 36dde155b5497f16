import { useEffect, useState } from 'react'
import { getColor, setColor, mode, apiBase } from './api.js'
import './App.css'

function App() {
  const [color, setCurrent] = useState(null)
  const [draft, setDraft] = useState('')
  const [error, setError] = useState(null)
  const [busy, setBusy] = useState(false)

  useEffect(() => {
    getColor()
      .then((body) => setCurrent(body.color))
      .catch((err) => setError(err.message))
  }, [])

  async function submit(event) {
    event.preventDefault()
    setBusy(true)
    try {
      const body = await setColor(draft.trim())
      setCurrent(body.color)
      setDraft('')
      setError(null)
    } catch (err) {
      setError(err.message)
    } finally {
      setBusy(false)
    }
  }

  return (
    <main>
      <h1>Color</h1>
      <p className="mode" data-testid="mode">
        mode: <strong>{mode}</strong> · API at <code>{apiBase}</code>
      </p>
      <div className="current">
        <span className="swatch" style={{ background: color ?? 'transparent' }} />
        <span data-testid="color">{color ?? (error ? 'unknown' : 'loading…')}</span>
      </div>
      <form onSubmit={submit}>
        <input
          data-testid="color-input"
          aria-label="new color"
          placeholder="teal or #336699"
          value={draft}
          onChange={(event) => setDraft(event.target.value)}
        />
        <button data-testid="color-submit" type="submit" disabled={busy || !draft.trim()}>
          Set color
        </button>
      </form>
      {error && (
        <p className="error" role="alert" data-testid="error">
          {error}
        </p>
      )}
    </main>
  )
}

export default App
