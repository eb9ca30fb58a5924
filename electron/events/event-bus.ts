import { events, type EventName, type EventPayload } from '../../shared/contract/contract';

export type Listener = <E extends EventName>(event: E, payload: EventPayload<E>) => void;

/**
 * Push events from the main process to every connected screen: IPC windows and
 * browser-host clients subscribe here. Payloads are parsed against the contract on the
 * way out, so nothing outside the schema (a patient's details on a display) can leak.
 */
export class EventBus {
  private readonly listeners = new Set<Listener>();

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  publish<E extends EventName>(event: E, payload: EventPayload<E>): void {
    const parsed = events[event].parse(payload) as EventPayload<E>;
    for (const listener of this.listeners) {
      try {
        listener(event, parsed);
      } catch (error) {
        console.error(`event listener failed for ${event}:`, error);
      }
    }
  }

  get size(): number {
    return this.listeners.size;
  }
}
