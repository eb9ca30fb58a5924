/**
 * Turns Electron's synchronous `will-quit` into an awaited shutdown: the first quit is held
 * back until `close` (the database, with its WAL checkpoint) has finished, then quits for
 * real. Later quit attempts while closing are held too; `close` runs exactly once.
 */
export function createQuitGuard(close: () => Promise<void>, quit: () => void, log: (message: string) => void = console.error) {
  let state: 'running' | 'closing' | 'closed' = 'running';
  return (event: { preventDefault(): void }): void => {
    if (state === 'closed') return;
    event.preventDefault();
    if (state === 'closing') return;
    state = 'closing';
    close()
      .catch((error: unknown) => log(`Front Desk could not close cleanly: ${error instanceof Error ? error.message : String(error)}`))
      .finally(() => {
        state = 'closed';
        quit();
      });
  };
}
