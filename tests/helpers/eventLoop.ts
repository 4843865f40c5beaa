/**
 * Watches this thread's event loop: a 5 ms timer notes the longest gap between its turns. `stop()`
 * ends the watch and returns that gap in ms (the worst stall while the work ran).
 */
export function watchEventLoop(): { stop(): number } {
  let last = performance.now();
  let worst = 0;
  const tick = setInterval(() => {
    const now = performance.now();
    worst = Math.max(worst, now - last);
    last = now;
  }, 5);
  return {
    stop() {
      clearInterval(tick);
      return worst;
    },
  };
}
