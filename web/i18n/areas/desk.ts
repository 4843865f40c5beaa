// Strings of the desk work of issue 16 (one definition of open/overdue, bulk actions, search): zh-CN first; en must have the same keys.
export const zh = {
  backlog: {
    heading: '当前',
    hint: '此刻仍未办结的工单（不论何时受理），与调度台、大屏、报表同一口径',
    open: '未办结',
    overdue: '超时未办结',
    urgent: '紧急未办结',
  },
  windowOverdue: '本期受理·超时',
  report: {
    sameTime: '与上期同一时段对比（截至 {time}）',
    asOf: '截至 {time}',
  },
};

export const en: typeof zh = {
  backlog: {
    heading: 'Now',
    hint: 'Tickets still open right now (whenever received): the same figures as the queue, the wall and the reports',
    open: 'Open',
    overdue: 'Overdue',
    urgent: 'Urgent open',
  },
  windowOverdue: 'Received · overdue',
  report: {
    sameTime: 'compared with the same stretch of the previous period (to {time})',
    asOf: 'as of {time}',
  },
};
