// Keeps a view current: the live feed (GET /api/live, Server-Sent Events) says when any ticket
// changed; a burst of events is folded into one reload. Without the feed, a poll does the job.
import { onBeforeUnmount, onMounted, ref } from 'vue';

const DEBOUNCE_MS = 3_000;
const POLL_MS = 60_000;

export function useLiveRefresh(
  reload: () => void,
  accept: (e: { ticketId: number; type: string }) => boolean = () => true,
) {
  const mode = ref<'live' | 'polling'>('polling');
  let source: EventSource | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let poll: ReturnType<typeof setInterval> | null = null;

  const soon = () => {
    if (timer) return;
    timer = setTimeout(() => {
      timer = null;
      reload();
    }, DEBOUNCE_MS);
  };

  onMounted(() => {
    poll = setInterval(() => mode.value === 'polling' && reload(), POLL_MS);
    if (typeof EventSource === 'undefined') return;
    source = new EventSource('/api/live');
    source.addEventListener('hello', () => (mode.value = 'live'));
    source.addEventListener('ticket', (m) => {
      try {
        if (accept(JSON.parse((m as MessageEvent<string>).data))) soon();
      } catch {
        soon();
      }
    });
    // EventSource reconnects by itself; until it does, the poll covers
    source.addEventListener('error', () => (mode.value = 'polling'));
  });

  onBeforeUnmount(() => {
    source?.close();
    if (timer) clearTimeout(timer);
    if (poll) clearInterval(poll);
  });

  return { mode };
}
