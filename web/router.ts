// History-mode routes; the server falls back to index.html for unknown paths. Every page but the
// login page and the wall needs a session; each names the section whose capabilities open it.
import { createRouter, createWebHistory } from 'vue-router';
import { homeOf, mayOpen, safeNext, type Section } from './auth/navigation.ts';
import { useSessionStore } from './stores/session.ts';

declare module 'vue-router' {
  interface RouteMeta {
    /** no app header: the page owns the whole screen */
    bare?: boolean;
    /** open without a session (the page handles being signed out itself) */
    public?: boolean;
    section?: Section;
  }
}

export const router = createRouter({
  history: createWebHistory(),
  routes: [
    // every page loads its own code: the sign-in page and the wall never wait for the workspace's
    // map libraries (maplibre, deck.gl: 2 MB) they do not draw
    { path: '/', name: 'map', component: () => import('./pages/MapPage.vue'), meta: { section: 'map' } },
    {
      path: '/login',
      name: 'login',
      component: () => import('./pages/LoginPage.vue'),
      meta: { bare: true, public: true },
    },
    // the ranking views load ECharts and their own code only when visited
    {
      path: '/ranking',
      name: 'ranking',
      component: () => import('./pages/RankingPage.vue'),
      meta: { section: 'ranking' },
    },
    {
      path: '/units/:code',
      name: 'unit',
      component: () => import('./pages/UnitPage.vue'),
      meta: { section: 'ranking' },
    },
    {
      path: '/reports',
      name: 'reports',
      component: () => import('./pages/ReportsPage.vue'),
      meta: { section: 'reports' },
    },
    { path: '/studio', name: 'studio', component: () => import('./pages/StudioPage.vue'), meta: { section: 'studio' } },
    {
      path: '/studio/topics/:category',
      name: 'topic-brief',
      component: () => import('./pages/TopicBriefPage.vue'),
      meta: { section: 'studio' },
    },
    { path: '/queue', name: 'queue', component: () => import('./pages/QueuePage.vue'), meta: { section: 'queue' } },
    { path: '/intake', name: 'intake', component: () => import('./pages/IntakePage.vue'), meta: { section: 'intake' } },
    { path: '/kb', name: 'kb', component: () => import('./pages/KnowledgePage.vue'), meta: { section: 'kb' } },
    {
      path: '/kb/:id(\\d+)',
      name: 'kb-entry',
      component: () => import('./pages/KnowledgePage.vue'),
      meta: { section: 'kb' },
    },
    {
      path: '/tickets/:id',
      name: 'ticket',
      component: () => import('./pages/TicketPage.vue'),
      meta: { section: 'queue' },
    },
    // the governance loop (治理闭环): topics, tasks, key-problem ledger, proactive orders
    {
      path: '/governance',
      name: 'governance',
      component: () => import('./pages/GovernancePage.vue'),
      meta: { section: 'governance' },
    },
    {
      path: '/governance/topics/:id(\\d+)',
      name: 'gov-topic',
      component: () => import('./pages/GovTopicPage.vue'),
      meta: { section: 'governance' },
    },
    { path: '/admin', name: 'admin', component: () => import('./pages/AdminPage.vue'), meta: { section: 'admin' } },
    // the command-centre wall: full screen, no app header (App.vue reads meta.bare); it redeems a
    // kiosk token itself and says so when the screen is not authorised
    {
      path: '/wall',
      name: 'wall',
      component: () => import('./pages/WallEntry.vue'),
      meta: { bare: true, public: true },
    },
    { path: '/:rest(.*)*', redirect: '/' },
  ],
});

router.beforeEach(async (to) => {
  const me = await useSessionStore().ready();
  if (to.name === 'login') return me ? (safeNext(to.query.next) ?? homeOf(me)) : true;
  if (to.meta.public) return true;
  if (!me) return { name: 'login', query: { next: to.fullPath } };
  if (to.meta.section && !mayOpen(me, to.meta.section)) return homeOf(me);
  return true;
});
