// One analysis read for a view: follows its URL (a new URL aborts the old request), and tells
// how long the current one has been running, so slow analyses show progress instead of a blank;
// and when its answer was computed (the server may answer from minutes ago while it computes anew:
// server/analysis/answers.ts).
import { onBeforeUnmount, ref, shallowRef, watch, type Ref } from 'vue';
import { request } from '../../api/request.ts';

export function useAnalysis<T>(url: Ref<string | null>) {
  const data = shallowRef<T | null>(null);
  const loading = ref(false);
  const error = ref<string | null>(null);
  const elapsed = ref(0);
  /** When the server computed the answer shown (X-Computed-At), null when it does not say. */
  const computedAt = ref<Date | null>(null);
  let controller: AbortController | null = null;
  let timer: ReturnType<typeof setInterval> | null = null;

  function stopTimer() {
    if (timer) clearInterval(timer);
    timer = null;
  }

  async function load(): Promise<void> {
    controller?.abort();
    stopTimer();
    const u = url.value;
    if (!u) {
      data.value = null;
      loading.value = false;
      return;
    }
    const c = (controller = new AbortController());
    loading.value = true;
    error.value = null;
    elapsed.value = 0;
    const t0 = Date.now();
    timer = setInterval(() => (elapsed.value = Math.floor((Date.now() - t0) / 1000)), 250);
    try {
      const res = await request(u, { signal: c.signal });
      const result = (await res.json()) as T;
      if (c !== controller) return;
      const at = Date.parse(res.headers.get('x-computed-at') ?? '');
      computedAt.value = Number.isNaN(at) ? null : new Date(at);
      data.value = result;
    } catch (err) {
      if (err instanceof DOMException && err.name === 'AbortError') return;
      if (c !== controller) return;
      console.warn('studio analysis failed:', err);
      error.value = err instanceof Error ? err.message : String(err);
      data.value = null;
    } finally {
      if (c === controller) {
        loading.value = false;
        stopTimer();
      }
    }
  }

  watch(url, load, { immediate: true });
  onBeforeUnmount(() => {
    controller?.abort();
    stopTimer();
  });
  return { data, loading, error, elapsed, computedAt, reload: load };
}
