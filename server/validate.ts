// Query/body validation that answers 400 with the offending field named.
import { zValidator } from '@hono/zod-validator';
import type { ZodType } from 'zod';
import { validationError } from './errors.ts';

export const validQuery = <T extends ZodType>(schema: T) =>
  zValidator('query', schema, (result, c) => {
    if (!result.success) return c.json(validationError(result.error as never), 400);
  });

export const validJson = <T extends ZodType>(schema: T) =>
  zValidator('json', schema, (result, c) => {
    if (!result.success) return c.json(validationError(result.error as never), 400);
  });
