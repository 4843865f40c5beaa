import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import vue from '@vitejs/plugin-vue';

const apiPort = process.env.PORT || 8787;

export default defineConfig({
  root: fileURLToPath(new URL('./web', import.meta.url)),
  // The server serves dist/ at "/" with SPA fallback, so absolute asset URLs are fine.
  base: '/',
  // composition API only: the options API runtime is dropped from the bundle
  plugins: [vue({ features: { optionsAPI: false } })],
  // vue-i18n feature flags: composition API only, no global <i18n-t> components, no devtools
  // hooks in production; lets the bundler drop the legacy API.
  define: {
    __VUE_I18N_LEGACY_API__: 'false',
    __VUE_I18N_FULL_INSTALL__: 'false',
    __INTLIFY_PROD_DEVTOOLS__: 'false',
  },
  server: {
    proxy: {
      // The API, but not the page's own modules under web/api/ (request.ts …), which share the prefix.
      '^/api/(?!.*\\.(?:ts|vue)(?:\\?.*)?$)': { target: `http://127.0.0.1:${apiPort}`, changeOrigin: false },
    },
  },
  build: {
    outDir: fileURLToPath(new URL('./dist', import.meta.url)),
    emptyOutDir: true,
    // maplibre (~1 MB) and deck.gl/luma.gl (~1 MB) are big by nature; split them so the
    // app chunk stays small and vendor chunks stay cached across app releases.
    chunkSizeWarningLimit: 1200,
    rolldownOptions: {
      output: {
        codeSplitting: {
          groups: [
            // vite's lazy-import helper in a chunk of its own: left to itself it lands in a map
            // chunk, and every page (the sign-in page too) would then load maplibre and deck.gl
            { name: 'preload', test: /vite\/preload-helper/, priority: 40 },
            { name: 'maplibre', test: /node_modules[\\/](maplibre-gl|@maplibre|@mapbox)[\\/]/, priority: 30 },
            {
              name: 'deckgl',
              test: /node_modules[\\/](@deck\.gl|@luma\.gl|@math\.gl|@loaders\.gl|@probe\.gl)[\\/]/,
              priority: 20,
            },
            { name: 'vue', test: /node_modules[\\/](@vue|vue|vue-i18n|@intlify|pinia)[\\/]/, priority: 10 },
          ],
        },
      },
    },
  },
});
