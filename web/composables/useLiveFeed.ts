// The live feed (GET /api/live, Server-Sent Events) for an unattended screen: it must reconnect
// by itself after a server restart and never miss what happened meanwhile. The browser's own
// EventSource retry gives up for good on an HTTP error (a restarting proxy's 502), so every
// error closes the source and a new one is opened with backoff, resuming from the last event id
// it saw (?since=, the query form of Last-Event-ID). Nothing here grows with time.
import { onBeforeUnmount, ref } from 'vue';
import type { z } from 'zod';
import type { liveEventSchema } from '../../server/contract/intake.ts';
import type { AlertRow } from '../components/wall/wallApi.ts';

/** One ticket event of the feed, as the API contract describes it (server/contract/intake.ts). */
export type LiveEvent = z.infer<typeof liveEventSchema>;

export interface LiveFeedOptions {
  onEvent: (e: LiveEvent) => void;
  /** a surge alert written or changed (server/alerts/), in the principal's region */
  onAlert?: (a: AlertRow) => void;
  /** after every (re)connection: the page re-fetches what may have changed while it was away */
  onConnected?: (reconnected: boolean) => void;
  url?: string;
}

export function useLiveFeed(opts: LiveFeedOptions) {
  const connected = ref(false);
  /** ms timestamp since which the feed is down; null while connected (or before the first try) */
  const downSince = ref<number | null>(null);
  let source: EventSource | null = null;
  let lastId: string | null = null;
  let retry: ReturnType<typeof setTimeout> | null = null;
  let attempts = 0;
  let everConnected = false;
  let stopped = false;
  const base = opts.url ?? '/api/live';

  function close() {
    if (source) {
      source.onerror = null;
      source.close();
      source = null;
    }
  }

  function connect() {
    retry = null;
    if (stopped) return;
    close();
    const es = new EventSource(lastId ? `${base}?since=${encodeURIComponent(lastId)}` : base);
    source = es;
    es.addEventListener('hello', (m) => {
      // the first connection starts after the latest event: remember where, to resume from there
      if (lastId === null) {
        const after = (JSON.parse((m as MessageEvent<string>).data) as { after?: number }).after;
        if (typeof after === 'number') lastId = String(after);
      }
      const again = everConnected;
      everConnected = true;
      attempts = 0;
      connected.value = true;
      downSince.value = null;
      opts.onConnected?.(again);
    });
    es.addEventListener('ticket', (m) => {
      const msg = m as MessageEvent<string>;
      if (msg.lastEventId) lastId = msg.lastEventId;
      try {
        opts.onEvent(JSON.parse(msg.data) as LiveEvent);
      } catch (err) {
        console.warn('live feed: bad event', err);
      }
    });
    es.addEventListener('alert', (m) => {
      try {
        opts.onAlert?.(JSON.parse((m as MessageEvent<string>).data) as AlertRow);
      } catch (err) {
        console.warn('live feed: bad alert', err);
      }
    });
    es.onerror = () => {
      if (connected.value || downSince.value === null) downSince.value = Date.now();
      connected.value = false;
      close();
      attempts++;
      // 1 s, 2 s, 4 s … 15 s: quick after a blip, gentle on a server that is down for long
      retry = setTimeout(connect, Math.min(1000 * 2 ** (attempts - 1), 15_000));
    };
  }

  function stop() {
    stopped = true;
    if (retry) clearTimeout(retry);
    retry = null;
    close();
    connected.value = false;
  }

  connect();
  onBeforeUnmount(stop);
  return { connected, downSince, stop };
}
