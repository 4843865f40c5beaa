// Shapes of the category taxonomy (诉求分类) and the units it dispatches to, validated with zod
// so a typo in a code or a dangling department reference fails at start-up, not at dispatch.
import { z } from 'zod';
import { URGENCY_CLASSES } from '../../db/schema.ts';
import { durationSchema } from '../policy/duration.ts';

const slug = /^[a-z][a-z0-9_]*$/;

/**
 * A city writes names in its own language: a Chinese city nameZh (and nameEn for the English UI),
 * an English-speaking city nameEn only. The missing one falls back to the other, so every row has both.
 */
const withNames = <T extends z.ZodRawShape>(shape: T) =>
  z.preprocess(
    (v) => {
      if (!v || typeof v !== 'object') return v;
      const o = v as Record<string, unknown>;
      return { ...o, nameZh: o.nameZh ?? o.nameEn, nameEn: o.nameEn ?? o.nameZh };
    },
    z.object({ ...shape, nameZh: z.string().min(1), nameEn: z.string().min(1) }),
  );

export const departmentSchema = withNames({
  code: z.string().regex(slug),
  /** Government line department (职能部门) or public utility company (公共服务企业): ranked on separate tables. */
  kind: z.enum(['department', 'utility']),
});

export const categoryGroupSchema = withNames({
  code: z.string().regex(slug),
});

export const categorySchema = withNames({
  /** `<group>.<slug>`, e.g. 'heating.no_heat'. */
  code: z.string().regex(/^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$/),
  groupCode: z.string().regex(slug),
  urgency: z.enum(URGENCY_CLASSES),
  /** Line department or utility that owns the matter; null when the street handles it alone. */
  departmentCode: z.string().regex(slug).nullable(),
  /** Dispatched to the department in parallel with the street (并行派单). */
  parallel: z.boolean(),
  /**
   * This request type's own service level, overriding its urgency class's limits (US 311 systems
   * set one per type: "bulk pickup 90d"). "30m", "24h", "7d" or minutes.
   */
  respondWithin: durationSchema.optional(),
  resolveWithin: durationSchema.optional(),
});

export const taxonomySchema = z
  .object({
    departments: z.array(departmentSchema).min(1),
    groups: z.array(categoryGroupSchema).min(1),
    categories: z.array(categorySchema).min(1),
  })
  .superRefine((t, ctx) => {
    const issue = (message: string) => ctx.addIssue({ code: 'custom', message });
    const dupes = (codes: string[], what: string) => {
      const seen = new Set<string>();
      for (const c of codes) {
        if (seen.has(c)) issue(`duplicate ${what} code '${c}'`);
        seen.add(c);
      }
      return seen;
    };
    const depts = dupes(
      t.departments.map((d) => d.code),
      'department',
    );
    const groups = dupes(
      t.groups.map((g) => g.code),
      'group',
    );
    dupes(
      t.categories.map((c) => c.code),
      'category',
    );
    for (const c of t.categories) {
      if (!groups.has(c.groupCode)) issue(`category '${c.code}' names unknown group '${c.groupCode}'`);
      if (!c.code.startsWith(`${c.groupCode}.`))
        issue(`category '${c.code}' must start with its group code '${c.groupCode}.'`);
      if (c.departmentCode !== null && !depts.has(c.departmentCode))
        issue(`category '${c.code}' names unknown department '${c.departmentCode}'`);
      if (c.parallel && c.departmentCode === null) issue(`category '${c.code}' is parallel but has no department`);
    }
  });

export type Department = z.infer<typeof departmentSchema>;
export type CategoryGroup = z.infer<typeof categoryGroupSchema>;
export type Category = z.infer<typeof categorySchema>;
export type Taxonomy = z.infer<typeof taxonomySchema>;
