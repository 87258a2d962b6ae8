/** Renders a screen as the app does: a fresh query cache, a router at the given address. */
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render } from "@testing-library/react";
import type { Middleware } from "openapi-fetch";
import type { ReactElement } from "react";
import { MemoryRouter } from "react-router";

import { client } from "../api/bff";
import { connectSession } from "../api/session";

export function renderScreen(ui: ReactElement, { route = "/" }: { route?: string } = {}) {
  const queryClient = new QueryClient({
    defaultOptions: { queries: { retry: false }, mutations: { retry: false } },
  });
  connectSession(queryClient);
  const result = render(
    <QueryClientProvider client={queryClient}>
      <MemoryRouter initialEntries={[route]}>{ui}</MemoryRouter>
    </QueryClientProvider>,
  );
  return { ...result, queryClient };
}

/**
 * Sends the app's BFF calls to a test server on loopback instead of the page's origin
 * (jsdom's page cannot be served from a free port). Answers the function that undoes it.
 */
export function sendBffCallsTo(url: string): () => void {
  const redirect: Middleware = {
    async onRequest({ request }) {
      const target = new URL(request.url);
      const to = new URL(url);
      target.protocol = to.protocol;
      target.host = to.host;
      const hasBody = request.method !== "GET" && request.method !== "HEAD";
      return new Request(target, {
        method: request.method,
        headers: request.headers,
        body: hasBody ? await request.arrayBuffer() : null,
      });
    },
  };
  client.use(redirect);
  return () => client.eject(redirect);
}
