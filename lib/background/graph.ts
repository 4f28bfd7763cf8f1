/**
 * The background's Graph client for a connection: tokens from the token provider, and every answer's Date header fed
 * to the server clock. Commands and refreshes use this one factory.
 */
import { cloudById } from '../clouds';
import { createGraphClient, type GraphClient } from '../graph/client';
import type { Connection } from '../storage';
import type { ServerClock } from './server-clock';

export function createGraphFactory(deps: {
  getToken: (o: { forceRefresh: boolean }) => Promise<string>;
  clock: ServerClock;
}): (connection: Connection) => GraphClient {
  const observingFetch: typeof fetch = async (input, init) => {
    const response = await fetch(input, init);
    deps.clock.observe(response.headers.get('date'), Date.now());
    return response;
  };
  return (connection) =>
    createGraphClient({
      getToken: deps.getToken,
      graphBase: cloudById(connection.cloudId).graph,
      fetch: observingFetch,
    });
}
