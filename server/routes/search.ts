// GET /api/search?q=&limit= — the header's search: places and tickets in the reader's jurisdiction,
// as typed sections (server/search/search.ts).
import { Hono } from 'hono';
import { z } from 'zod';
import type { AppEnv } from '../env.ts';
import { validQuery } from '../validate.ts';
import { search } from '../search/search.ts';

export const query = z.object({
  q: z.string().trim().min(1, 'must not be empty').max(100),
  limit: z.coerce.number().int().min(1).max(20).default(8),
});

export const searchRoute = new Hono<AppEnv>().get('/', validQuery(query), async (c) => {
  const q = c.req.valid('query');
  return c.json({ q: q.q, sections: await search(c.get('db'), q.q, q.limit, c.get('principal').scope) });
});
