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
    { path: '/studio', name: 'studio', component: () => import('./pages/StudioPage.vue') },
    { path: '/studio/topics/:category', name: 'topic-brief', component: () => import('./pages/TopicBriefPage.vue') },
    { path: '/queue', name: 'queue', component: () => import('./pages/QueuePage.vue') },
    { path: '/tickets/:id', name: 'ticket', component: () => import('./pages/TicketPage.vue') },
    // the command-centre wall: full screen, no app header (App.vue reads meta.bare)
    { path: '/wall', name: 'wall', component: () => import('./pages/WallPage.vue'), meta: { bare: true } },
    { path: '/:rest(.*)*', redirect: '/' },
  ],
});
