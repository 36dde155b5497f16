import { render, screen } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { afterEach, describe, expect, it, vi } from 'vitest'
import App from './App.jsx'

function jsonResponse(body, status = 200) {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } })
}

afterEach(() => vi.unstubAllGlobals())

describe('App', () => {
  it('renders the color the API returns', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => jsonResponse({ color: 'teal' })))
    render(<App />)
    expect(await screen.findByText('teal')).toHaveAttribute('data-testid', 'color')
    expect(fetch).toHaveBeenCalledWith('/api/color', undefined)
  })

  it('posts a new color as JSON and shows the answer', async () => {
    const fetchMock = vi.fn(async (url, options) =>
      options?.method === 'POST' ? jsonResponse(JSON.parse(options.body)) : jsonResponse({ color: 'teal' }),
    )
    vi.stubGlobal('fetch', fetchMock)
    render(<App />)
    await screen.findByText('teal')
    await userEvent.type(screen.getByTestId('color-input'), 'tomato')
    await userEvent.click(screen.getByTestId('color-submit'))
    expect(await screen.findByText('tomato')).toHaveAttribute('data-testid', 'color')
    const [url, options] = fetchMock.mock.calls.at(-1)
    expect(url).toBe('/api/color')
    expect(options.headers['Content-Type']).toBe('application/json')
    expect(JSON.parse(options.body)).toEqual({ color: 'tomato' })
  })

  it('shows the error state when the API is unreachable', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => { throw new TypeError('Failed to fetch') }))
    render(<App />)
    expect(await screen.findByRole('alert')).toHaveTextContent(/Cannot reach the API/)
    expect(screen.getByTestId('color')).toHaveTextContent('unknown')
  })

  it('shows the API error message for a rejected color', async () => {
    vi.stubGlobal('fetch', vi.fn(async (url, options) =>
      options?.method === 'POST'
        ? jsonResponse({ error: '"nope" is not a CSS color name or #hex color' }, 400)
        : jsonResponse({ color: 'teal' }),
    ))
    render(<App />)
    await screen.findByText('teal')
    await userEvent.type(screen.getByTestId('color-input'), 'nope')
    await userEvent.click(screen.getByTestId('color-submit'))
    expect(await screen.findByRole('alert')).toHaveTextContent('not a CSS color name')
    expect(screen.getByTestId('color')).toHaveTextContent('teal')
  })
})
