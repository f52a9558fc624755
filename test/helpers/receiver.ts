import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  headers: http.IncomingHttpHeaders;
  body: string;
  json: { event: string; event_id: string; [k: string]: unknown };
}

/** A webhook receiver on 127.0.0.1 whose answer a test controls. */
export interface Receiver {
  url: string;
  received: Received[];
  /** Status to answer with; 'reset' destroys the connection. */
  respond: number | 'reset';
  close(): Promise<void>;
}

export async function startReceiver(port = 0): Promise<Receiver> {
  const r: Receiver = { url: '', received: [], respond: 200, close: async () => undefined };
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      if (r.respond === 'reset') {
        req.socket.destroy();
        return;
      }
      r.received.push({ headers: req.headers, body, json: JSON.parse(body) });
      res.statusCode = r.respond;
      res.end(r.respond >= 400 ? 'receiver says no' : 'ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  r.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
  r.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return r;
}
