import type { ServerResponse } from 'node:http';

/**
 * The open event streams (GET /v1/events), by clinic. One process for now: a push here
 * tells the streams here. A LISTEN/NOTIFY listener calls `broadcast` from the notification
 * instead, and every instance tells its own streams.
 */
export class EventStreams {
  private readonly streams = new Map<number, Set<ServerResponse>>();

  constructor(
    private readonly heartbeatMs: number,
    private readonly onCount: (open: number) => void = () => {},
  ) {}

  get size(): number {
    let open = 0;
    for (const clinicStreams of this.streams.values()) open += clinicStreams.size;
    return open;
  }

  /** Starts a stream on `res` (headers not yet sent) at the clinic's current `seq`. */
  open(res: ServerResponse, clinicId: number, seq: number, headers: Record<string, string>): void {
    res.writeHead(200, {
      ...headers,
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
      // Tell buffering proxies (nginx) to pass events through as they come.
      'X-Accel-Buffering': 'no',
    });
    // The current seq at once: a client that missed events while reconnecting pulls if it is behind.
    res.write(`retry: 5000\n\n${frame(seq)}`);
    // Idle but alive: the heartbeats keep it open, not the connection timeout.
    res.socket?.setTimeout(0);
    const clinicStreams = this.streams.get(clinicId) ?? new Set<ServerResponse>();
    this.streams.set(clinicId, clinicStreams);
    clinicStreams.add(res);
    this.onCount(this.size);
    const heartbeat = setInterval(() => res.write(': ping\n\n'), this.heartbeatMs);
    heartbeat.unref();
    let stopped = false;
    const stop = () => {
      if (stopped) return;
      stopped = true;
      clearInterval(heartbeat);
      clinicStreams.delete(res);
      if (clinicStreams.size === 0 && this.streams.get(clinicId) === clinicStreams) this.streams.delete(clinicId);
      this.onCount(this.size);
    };
    res.on('close', stop);
    res.on('error', stop);
  }

  /** Tells the clinic's streams its last seq is now `seq`. */
  broadcast(clinicId: number, seq: number): void {
    const text = frame(seq);
    for (const stream of this.streams.get(clinicId) ?? []) stream.write(text);
  }

  closeAll(): void {
    for (const clinicStreams of this.streams.values()) for (const stream of clinicStreams) stream.end();
  }
}

const frame = (seq: number) => `id: ${seq}\nevent: changes\ndata: {"seq":${seq}}\n\n`;
