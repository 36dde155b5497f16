import { defineConfig } from 'vite'
import react from '@vitejs/plugin-react'

// devtool:proxy:begin (managed by `devtool proxy`; change it with `devtool proxy --api-port N`)
const API_TARGET = 'http://127.0.0.1:5000'
// devtool:proxy:end

// 127.0.0.1, never localhost: Node 17+ may resolve localhost to ::1 while Flask listens on
// 127.0.0.1, and the proxy then fails with ECONNREFUSED ::1.
const apiTarget = process.env.API_PORT ? `http://127.0.0.1:${process.env.API_PORT}` : API_TARGET
const uiPort = Number(process.env.UI_PORT ?? 3000)
const uiHost = process.env.UI_HOST ?? '127.0.0.1'

const server = {
  host: uiHost,
  port: uiPort,
  // Never drift to another port: the API's CORS origins and the printed URLs name this one.
  strictPort: true,
  proxy: {
    '/api': { target: apiTarget },
  },
}

export default defineConfig({
  plugins: [react()],
  server,
  preview: server,
  build: { outDir: 'build' },
  test: {
    environment: 'jsdom',
    setupFiles: './src/setupTests.js',
  },
})
