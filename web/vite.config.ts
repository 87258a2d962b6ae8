/// <reference types="vitest/config" />
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// The dashboard serves dist/ itself; in `npm run dev` the BFF is proxied so
// the session cookie stays same-origin (set DASHBOARD_URL to another port).
const dashboard = process.env.DASHBOARD_URL ?? "http://127.0.0.1:8700";

export default defineConfig({
  plugins: [react()],
  build: {
    outDir: "dist",
    assetsDir: "assets",
    sourcemap: false,
  },
  server: {
    proxy: { "/bff": { target: dashboard, changeOrigin: false } },
  },
  test: {
    environment: "jsdom",
    globals: true,
    setupFiles: ["./src/test/setup.ts"],
    include: ["src/**/*.test.{ts,tsx}", "scripts/**/*.test.{ts,mjs}"],
    // Two cores are shared by several jobs on CI's machine.
    maxWorkers: 2,
    // Typing through user-event in jsdom is slow on a busy two-core machine.
    testTimeout: 20_000,
  },
});
