// Which server the browser tests talk to: by default a real one started for the run
// (tests/helpers/testServer.ts); E2E_BASE_URL=http://… points them at one already running (npm start).
import { startTestServer } from '../helpers/testServer.ts';

export interface RunningServer {
  url: string;
  stop(): Promise<void>;
}

export async function startServerForE2E(): Promise<RunningServer> {
  const external = process.env.E2E_BASE_URL;
  if (external) return { url: external.replace(/\/$/, ''), stop: async () => {} };
  return startTestServer();
}
