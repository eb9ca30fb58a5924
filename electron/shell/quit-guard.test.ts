import { describe, expect, it, vi } from 'vitest';
import { createQuitGuard } from './quit-guard';

function quitEvent() {
  return { preventDefault: vi.fn() };
}

describe('createQuitGuard', () => {
  it('holds the quit until close has finished, then quits once, and lets that quit through', async () => {
    let finishClose!: () => void;
    const close = vi.fn(() => new Promise<void>((resolve) => (finishClose = resolve)));
    const quit = vi.fn();
    const onWillQuit = createQuitGuard(close, quit);

    const first = quitEvent();
    onWillQuit(first);
    expect(first.preventDefault).toHaveBeenCalled();
    expect(quit).not.toHaveBeenCalled();

    const impatient = quitEvent();
    onWillQuit(impatient);
    expect(impatient.preventDefault).toHaveBeenCalled();
    expect(close).toHaveBeenCalledTimes(1);

    finishClose();
    await vi.waitFor(() => expect(quit).toHaveBeenCalledTimes(1));
    const last = quitEvent();
    onWillQuit(last);
    expect(last.preventDefault).not.toHaveBeenCalled();
    expect(close).toHaveBeenCalledTimes(1);
  });

  it('still quits when closing fails, and says why', async () => {
    const quit = vi.fn();
    const log = vi.fn();
    const onWillQuit = createQuitGuard(() => Promise.reject(new Error('disk gone')), quit, log);
    onWillQuit(quitEvent());
    await vi.waitFor(() => expect(quit).toHaveBeenCalledTimes(1));
    expect(log).toHaveBeenCalledWith('Front Desk could not close cleanly: disk gone');
  });
});
