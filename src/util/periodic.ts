/** A task run every so often; `stop` ends the timer and waits for the run in progress. */
export interface Periodic {
  stop: () => Promise<void>;
}

/**
 * Runs `task` every `ms`, never two at once (a slow run delays the next instead of overlapping
 * it); a failed run is reported to `onError` and the next one runs as planned.
 */
export function every(ms: number, task: () => Promise<void>, onError: (err: Error) => void): Periodic {
  let running = Promise.resolve();
  const timer = setInterval(() => {
    running = running.then(task).catch((err: unknown) => { onError(err as Error); });
  }, ms);
  return {
    stop: async () => {
      clearInterval(timer);
      await running;
    },
  };
}
