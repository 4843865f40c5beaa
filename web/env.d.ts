/// <reference types="vite/client" />

declare module '*.vue' {
  import type { DefineComponent } from 'vue';
  const component: DefineComponent<object, object, unknown>;
  export default component;
}

interface ImportMetaEnv {
  /** optional base-map style URL (self-hosted); the dashboard draws its own when unset */
  readonly VITE_BASEMAP_STYLE?: string;
}
interface ImportMeta {
  readonly env: ImportMetaEnv;
}
