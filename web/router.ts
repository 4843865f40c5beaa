// History-mode routes; the server falls back to index.html for unknown paths.
import { createRouter, createWebHistory } from 'vue-router';
import MapPage from './pages/MapPage.vue';

export const router = createRouter({
  history: createWebHistory(),
  routes: [
    { path: '/', name: 'map', component: MapPage },
    // the ranking views load ECharts and their own code only when visited
    { path: '/ranking', name: 'ranking', component: () => import('./pages/RankingPage.vue') },
    { path: '/units/:code', name: 'unit', component: () => import('./pages/UnitPage.vue') },
    { path: '/reports', name: 'reports', component: () => import('./pages/ReportsPage.vue') },
    { path: '/:rest(.*)*', redirect: '/' },
  ],
});
