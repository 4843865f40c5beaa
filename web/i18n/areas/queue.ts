// Strings of the queue views: zh-CN first; en must have the same keys.
export const zh = {};
export const en: typeof zh = {};
