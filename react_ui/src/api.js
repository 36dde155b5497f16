// The only module that knows where the API is. In cors mode devtool sets VITE_API_URL to the
// API's own origin; otherwise calls are relative and the dev proxy (or nginx) forwards /api.
const base = (import.meta.env.VITE_API_URL ?? '').replace(/\/+$/, '')

export const apiBase = base || window.location.origin
export const mode = base ? 'cors' : import.meta.env.DEV ? 'proxy' : 'same origin'

export class ApiError extends Error {}

async function request(path, options) {
  let response
  try {
    response = await fetch(`${base}${path}`, options)
  } catch {
    // fetch rejects with a bare TypeError both when nothing listens and when CORS blocks the
    // response; the page cannot tell which, so it names both.
    throw new ApiError(`Cannot reach the API at ${apiBase}${path}: it is down or the request was blocked (CORS).`)
  }
  const body = await response.json().catch(() => null)
  if (!response.ok) {
    throw new ApiError(body?.error ?? `The API answered ${response.status} ${response.statusText}.`)
  }
  return body
}

export function getColor() {
  return request('/api/color')
}

export function setColor(color) {
  return request('/api/color', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ color }),
  })
}
