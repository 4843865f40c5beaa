// One admin list (accounts, wall tokens, audit rows): its rows, whether they are loading, loaded
// or failed, and the reload every panel calls after a change.
import { ref, shallowRef } from 'vue';

export function useAdminList<T>(
  fetchRows: () => Promise<T[]>,
  describe: (e: unknown) => string = (e) => (e as Error).message,
) {
  const rows = shallowRef<T[]>([]);
  const state = ref<'loading' | 'ready' | 'error'>('loading');
  const loadError = ref('');
  async function load() {
    state.value = 'loading';
    try {
      rows.value = await fetchRows();
      state.value = 'ready';
    } catch (e) {
      loadError.value = describe(e);
      state.value = 'error';
    }
  }
  return { rows, state, loadError, load };
}
