// One data source of the wall, refreshed on a schedule. A failure keeps the last good data on
// screen, marks the source failing (the page shows "stale since …") and retries sooner, backing
// off to the normal interval; a success clears it. Timers are the only resource: stop() clears them.
import { ref, shallowRef, type Ref, type ShallowRef } from 'vue';

export interface Refresher<T> {
  data: ShallowRef<T | null>;
  /** ms timestamp of the last success, null before the first */
  lastOk: Ref<number | null>;
  failing: Ref<boolean>;
  start(): void;
  stop(): void;
  /** fetch now (after a reconnect, or when the feed says figures moved) */
  refresh(): void;
}

export function refresher<T>(load: () => Promise<T>, everyMs: number): Refresher<T> {
  const data = shallowRef<T | null>(null);
  const lastOk = ref<number | null>(null);
  const failing = ref(false);
  let timer: ReturnType<typeof setTimeout> | null = null;
  let running = false;
  let inFlight = false;
  let again = false;
  let failures = 0;

  function schedule(ms: number) {
    if (timer) clearTimeout(timer);
    timer = running ? setTimeout(run, ms) : null;
  }

  async function run() {
    if (inFlight) {
      again = true; // one more after the current one, never a pile of them
      return;
    }
    inFlight = true;
    try {
      data.value = await load();
      lastOk.value = Date.now();
      failing.value = false;
      failures = 0;
      schedule(everyMs);
    } catch (err) {
      failing.value = true;
      failures++;
      // 2 s, 4 s, 8 s … up to the normal interval (at most a minute)
      schedule(Math.min(2000 * 2 ** (failures - 1), Math.max(everyMs, 2000), 60_000));
      console.warn('wall: refresh failed', err);
    } finally {
      inFlight = false;
      if (again && running) {
        again = false;
        void run();
      }
    }
  }

  return {
    data,
    lastOk,
    failing,
    start() {
      running = true;
      void run();
    },
    stop() {
      running = false;
      again = false;
      if (timer) clearTimeout(timer);
      timer = null;
    },
    refresh() {
      if (running) void run();
    },
  };
}
