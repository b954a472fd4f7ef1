import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/**
 * A proxy in front of the server, as some corporate ones are: HTTP (event streams included)
 * passes, WebSocket upgrades are refused with 403.
 */
export async function upgradeBlockingProxy(target: string) {
  const { hostname, port } = new URL(target);
  const open = new Set<Socket>();
  let refused = 0;
  const proxy = http.createServer((req, res) => {
    const upstream = http.request(
      { hostname, port, path: req.url, method: req.method, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  proxy.on('connection', (socket) => {
    open.add(socket);
    socket.on('close', () => open.delete(socket));
  });
  proxy.on('upgrade', (_req, socket: Socket) => {
    refused += 1;
    socket.end('HTTP/1.1 403 Forbidden\r\ncontent-length: 0\r\n\r\n');
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`,
    /** WebSocket upgrades refused so far. */
    get refused() {
      return refused;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of open) socket.destroy();
        proxy.close(() => resolve());
      }),
  };
}
