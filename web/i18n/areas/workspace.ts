// Strings of the workspace views: zh-CN first; en must have the same keys.
export const zh = {};
export const en: typeof zh = {};
