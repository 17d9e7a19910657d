import { defineConfig } from 'vite';

// The relay serves target/classes/public as static resources at "/".
export default defineConfig({
  base: '/',
  build: {
    outDir: '../target/classes/public',
    emptyOutDir: true,
    chunkSizeWarningLimit: 1000,
  },
  logLevel: 'warn',
});
