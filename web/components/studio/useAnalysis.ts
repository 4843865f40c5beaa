// One analysis read for a view: follows its URL (a new URL aborts the old request), and tells
// how long the current one has been running, so slow analyses show progress instead of a blank.
import { onBeforeUnmount, ref, shallowRef, watch, type Ref } from 'vue';
import { getJson } from '../../api/request.ts';

export function useAnalysis<T>(url: Ref<string | null>) {
  const data = shallowRef<T | null>(null);
  const loading = ref(false);
  const error = ref<string | null>(null);
  const elapsed = ref(0);
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
      const result = await getJson<T>(u, c.signal);
      if (c !== controller) return;
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
  return { data, loading, error, elapsed, reload: load };
}
