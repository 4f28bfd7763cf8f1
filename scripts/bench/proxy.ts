/**
 * Network latency, injected where a real network adds it: a TCP relay between Chromium and the stand-in tenant that
 * holds every chunk for half the round-trip time in each direction. TLS runs end to end through it, so a new
 * connection pays its TCP and TLS handshakes and each request on a kept-alive connection pays one round trip, as on
 * a real link. It also counts the bytes the browser receives (TLS records included, as on the wire).
 */
import { createServer, connect, type Server, type Socket } from 'node:net';

export interface LatencyProxy {
  port: number;
  /** Bytes sent from the stand-in to the browser since the last reset (on the wire: TLS records and headers). */
  bytesDown(): number;
  bytesUp(): number;
  resetCounters(): void;
  close(): Promise<void>;
}

/** Forwards `from` → `to`, each chunk delayed by `delayMs`, order kept (a FIFO drained by one timer at a time). */
function delayedPipe(from: Socket, to: Socket, delayMs: number, count: (n: number) => void): void {
  const queue: { at: number; chunk: Buffer }[] = [];
  let timer: NodeJS.Timeout | null = null;
  let ended = false;
  const drain = (): void => {
    timer = null;
    const now = Date.now();
    while (queue.length && queue[0]!.at <= now) {
      const { chunk } = queue.shift()!;
      count(chunk.length);
      if (!to.destroyed) to.write(chunk);
    }
    if (queue.length) timer = setTimeout(drain, queue[0]!.at - now);
    else if (ended && !to.destroyed) to.end();
  };
  from.on('data', (chunk: Buffer) => {
    queue.push({ at: Date.now() + delayMs, chunk });
    if (!timer) timer = setTimeout(drain, delayMs);
  });
  from.on('end', () => {
    ended = true;
    if (!timer && !queue.length && !to.destroyed) to.end();
  });
}

export async function startLatencyProxy(targetPort: number, roundTripMs: number): Promise<LatencyProxy> {
  const oneWay = roundTripMs / 2;
  let down = 0;
  let up = 0;
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = connect(targetPort, '127.0.0.1');
    for (const s of [client, upstream]) {
      s.setNoDelay(true);
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    delayedPipe(client, upstream, oneWay, (n) => (up += n));
    delayedPipe(upstream, client, oneWay, (n) => (down += n));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : 0,
    bytesDown: () => down,
    bytesUp: () => up,
    resetCounters: () => {
      down = 0;
      up = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
