// Strings shared by the views of issue 16 (copy link, the official's own unit): zh-CN first; en must have the same keys.
export const zh = {
  share: {
    copy: '复制链接',
    copyTitle: '复制本页当前视图的链接（层级、区域、筛选、时间）',
    copied: '已复制',
    failed: '复制失败，请从地址栏复制',
  },
  myUnit: {
    heading: '本单位 · {name}',
    rank: '排名',
    rankOf: '第 {rank} / {of} 名',
    unranked: '未排名',
    score: '综合得分',
    change: '较上月',
    gap: '距上一名',
    gapValue: '差 {gap} 分',
    first: '已居首位',
    overdue: '超时未办结',
    urgent: '未办结紧急件',
    month: '{month} 月度排名',
    open: '查看排名',
    belowSample: '回访量不足 {n} 件，不参与排名',
  },
};

export const en: typeof zh = {
  share: {
    copy: 'Copy link',
    copyTitle: 'Copy a link to this view (level, region, filters, time)',
    copied: 'Copied',
    failed: 'Could not copy; copy the address bar instead',
  },
  myUnit: {
    heading: 'My unit · {name}',
    rank: 'Rank',
    rankOf: '{rank} of {of}',
    unranked: 'Not ranked',
    score: 'Score',
    change: 'vs last month',
    gap: 'Gap to next place',
    gapValue: '{gap} pts behind',
    first: 'Ranked first',
    overdue: 'Overdue, open',
    urgent: 'Open urgent',
    month: 'Ranking of {month}',
    open: 'Open ranking',
    belowSample: 'Fewer than {n} call-backs: not ranked',
  },
};
