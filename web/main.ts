import { createApp } from 'vue';
import { createPinia } from 'pinia';
import App from './App.vue';
import { applyDocumentLocale, i18n } from './i18n/index.ts';
import { router } from './router.ts';
import { whenUnauthenticated } from './api/request.ts';
import { useSessionStore } from './stores/session.ts';
import { loadConfig } from './composables/city.ts';
import './styles/base.css';

applyDocumentLocale();
const pinia = createPinia();

// A request refused for want of a session: the session ended (expired, password changed, signed
// out elsewhere). Pages that handle it themselves (login, wall) stay; the others go to the login
// page, which says why and comes back here afterwards.
whenUnauthenticated(() => {
  const route = router.currentRoute.value;
  useSessionStore(pinia).forget(true);
  if (!route.meta.public) void router.replace({ name: 'login', query: { next: route.fullPath } });
});

// The city (zone, names, bounds, language) is known before anything is drawn, so no page shows a
// time in the wrong zone or a map of nowhere first. Without an answer the pages start city-neutral.
void loadConfig()
  .catch((err: unknown) => console.warn('config unavailable:', err))
  .finally(() => createApp(App).use(pinia).use(i18n).use(router).mount('#app'));
