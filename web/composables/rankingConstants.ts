// The ranking tables and unit classes, in display order (mirrors server/ranking/sql.ts and classes.ts).
export const RANKING_TABLES = ['street', 'district', 'department', 'utility'] as const;
export const UNIT_CLASSES = ['advanced', 'progressing', 'rectification', 'governance'] as const;
