/**
 * A real HTTP server on a free loopback port for tests: each test says how to answer,
 * and reads back the requests it received (method, path, headers, body).
 */
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface Received {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface Reply {
  status: number;
  /** Sent as JSON. */
  body?: unknown;
  /** Sent as it is (a file). */
  raw?: string;
  headers?: Record<string, string>;
}

export interface TestServer {
  url: string;
  received: Received[];
  close(): Promise<void>;
}

export async function startServer(answer: (request: Received) => Reply): Promise<TestServer> {
  const received: Received[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const request: Received = {
        method: req.method ?? "GET",
        path: req.url ?? "/",
        headers: req.headers,
        body: Buffer.concat(chunks).toString("latin1"),
      };
      received.push(request);
      const reply = answer(request);
      const headers: Record<string, string> = { ...reply.headers };
      if (reply.body !== undefined) headers["content-type"] ??= "application/json";
      res.writeHead(reply.status, headers);
      res.end(reply.raw ?? (reply.body === undefined ? undefined : JSON.stringify(reply.body)));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    close: () => new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve()))),
  };
}

export function envelope(status: number, code: string, message: string, details?: unknown): Reply {
  return { status, body: { error: { code, message, details: details ?? null } } };
}
