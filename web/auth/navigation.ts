// Where a signed-in party may go: each page names the capabilities that open it (any one will do),
// and a party lands on the first page it may use.
import type { Capability, Me } from './types.ts';

export const PAGE_CAPS = {
  map: ['read'],
  ranking: ['read'],
  reports: ['read'],
  // the planners' studio: hotspots and topic choice are planning work
  studio: ['plan'],
  // the queue and ticket pages: the hotline's work and the units' work on their tickets
  queue: ['hotline_actions', 'unit_actions'],
  admin: ['admin'],
  // the governance loop: planners run it, units work their tasks, everyone reading sees their own region's
  governance: ['read'],
  wall: ['wall'],
  // filing a call with the assistant's suggestions; the knowledge base is everyone's to read
  intake: ['intake'],
  kb: ['read'],
} as const satisfies Record<string, readonly Capability[]>;
export type Section = keyof typeof PAGE_CAPS;

export const mayOpen = (me: Me | null, section: Section) =>
  !!me && PAGE_CAPS[section].some((c) => me.capabilities.includes(c));

export function homeOf(me: Me): string {
  if (me.kind === 'kiosk') return '/wall';
  // a dispatcher's work is the queue: they land there, the map is one click away
  if (me.role === 'dispatcher' && mayOpen(me, 'queue')) return '/queue';
  if (mayOpen(me, 'map')) return '/';
  if (mayOpen(me, 'admin')) return '/admin';
  return '/wall';
}

/** A `next` query value that stays inside this app (no other origin, no protocol-relative URL). */
export function safeNext(v: unknown): string | null {
  return typeof v === 'string' &&
    v.startsWith('/') &&
    !v.startsWith('//') &&
    !v.startsWith('/\\') &&
    !v.startsWith('/login')
    ? v
    : null;
}
