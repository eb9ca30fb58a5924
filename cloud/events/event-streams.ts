import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ChangeNotifier } from './change-notifier';

/**
 * `GET /v1/events`: a desk's server-sent event stream of its clinic's last seq, fed by the
 * change notifier (so a push on another server reaches it too). On a raw Node response, so
 * the HTTP framework hands its stream over (Fastify: `reply.hijack()`).
 */

export interface EventStreamsOptions {
  notifier: ChangeNotifier;
  /** The clinic's last seq now. */
  lastSeqOf(clinicId: number): Promise<number>;
  /** Comment lines on idle streams, so proxies keep them open. */
  heartbeatMs?: number;
  /** Told how many streams are open after each change (the metrics' gauge). */
  onCount?: (open: number) => void;
}

export interface EventStreams {
  /**
   * Answers with the stream (after the caller has checked the token), with `headers` beside
   * the stream's own; rejects before anything is written if the seq cannot be read.
   */
  open(req: IncomingMessage, res: ServerResponse, clinicId: number, headers?: Record<string, string>): Promise<void>;
  /** Ends every open stream (the server is closing). */
  closeAll(): void;
}

const changesFrame = (seq: number) => `id: ${seq}\nevent: changes\ndata: {"seq":${seq}}\n\n`;

export function eventStreams(options: EventStreamsOptions): EventStreams {
  const open = new Set<ServerResponse>();
  const counted = () => options.onCount?.(open.size);
  return {
    async open(req, res, clinicId, headers = {}) {
      // Subscribed before the seq is read: a push committed in between is heard, not lost.
      const subscription = options.notifier.subscribe(clinicId, (seq) => res.write(changesFrame(seq)));
      let heartbeat: NodeJS.Timeout | undefined = undefined;
      let stopped = false;
      const stop = () => {
        if (stopped) return;
        stopped = true;
        clearInterval(heartbeat);
        subscription.close();
        if (open.delete(res)) counted();
      };
      // Also a client gone while the seq is read: nothing of it may stay subscribed.
      req.on('close', stop);
      res.on('close', stop);
      res.on('error', stop);
      let seq: number;
      try {
        seq = await options.lastSeqOf(clinicId);
      } catch (error) {
        stop();
        throw error;
      }
      if (stopped) return;
      res.writeHead(200, {
        ...headers,
        'Content-Type': 'text/event-stream; charset=utf-8',
        'Cache-Control': 'no-store',
        Connection: 'keep-alive',
        // Tell buffering proxies (nginx) to pass events through as they come.
        'X-Accel-Buffering': 'no',
      });
      res.write('retry: 5000\n\n');
      // Idle but alive: the heartbeats keep it open, not the server's idle timeout.
      res.socket?.setTimeout(0);
      // The current seq at once: a client that missed events while reconnecting pulls if it is behind.
      subscription.start(seq);
      open.add(res);
      counted();
      heartbeat = setInterval(() => res.write(': ping\n\n'), options.heartbeatMs ?? 25_000);
      heartbeat.unref();
    },
    closeAll() {
      for (const res of open) res.end();
      open.clear();
      counted();
    },
  };
}
