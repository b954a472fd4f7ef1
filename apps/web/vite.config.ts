import tailwindcss from '@tailwindcss/vite';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/** The API server `pnpm dev` proxies to (start it with PORT=3100). */
const apiTarget = process.env.PARLEY_API ?? 'http://127.0.0.1:3100';

export default defineConfig({
  plugins: [react(), tailwindcss()],
  build: { target: 'es2022', sourcemap: false },
  server: {
    proxy: { '/trpc': { target: apiTarget, ws: true, changeOrigin: false } },
  },
});
