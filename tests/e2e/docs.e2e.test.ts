// The API reference (issue 18): /api/docs renders the OpenAPI description in Chromium without a
// session and without the internet (Scalar from our own files), and shows the ticket endpoints.
// Screenshot under tests/artifacts/api-docs.png.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBrowser } from './browser.ts';
import { startServerForE2E, type RunningServer } from './server.ts';

let server: RunningServer;

beforeAll(async () => {
  server = await startServerForE2E();
});

afterAll(async () => {
  await server?.stop();
});

describe('/api/docs', () => {
  it('renders the reference from /api/openapi.json, offline, signed out', async () => {
    const b = await openBrowser({ baseUrl: server.url, viewport: { width: 1440, height: 900 }, locale: 'en' });
    try {
      await b.page.goto(`${server.url}/api/docs`);
      // the document's title and an operation of the ticket API, as Scalar draws them
      await b.page.getByText('12345 hotline GIS dashboard API').first().waitFor({ timeout: 60_000 });
      await b.screenshot('api-docs');
      // the sidebar lists the API's tags (Scalar draws operations as they scroll into view)
      await expect
        .poll(() => b.page.locator('body').innerText(), { timeout: 30_000 })
        .toMatch(/tickets[\s\S]*open311|open311[\s\S]*tickets/i);
      expect(await b.page.title()).toContain('12345 hotline API');
      expect(b.problems.externalRequests).toEqual([]);
      expect(b.problems.pageErrors).toEqual([]);
    } finally {
      await b.close();
    }
  });
});
