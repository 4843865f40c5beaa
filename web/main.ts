import { createApp } from 'vue';
import { createPinia } from 'pinia';
import App from './App.vue';
import { applyDocumentLocale, i18n } from './i18n/index.ts';
import { router } from './router.ts';
import './styles/base.css';

applyDocumentLocale();
createApp(App).use(createPinia()).use(i18n).use(router).mount('#app');
