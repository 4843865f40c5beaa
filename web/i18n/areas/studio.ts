// Strings of the studio views: zh-CN first; en must have the same keys.
export const zh = {};
export const en: typeof zh = {};
