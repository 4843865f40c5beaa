// Strings of the desk work of issue 16 (one definition of open/overdue, bulk actions, search): zh-CN first; en must have the same keys.
export const zh = {
  search: {
    label: '搜索工单号、地址、街乡镇或网格',
    placeholder: '工单号 / 地址 / 地名',
    none: '没有找到',
    ticket: '工单',
  },
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
  robust: '稳健分',
  robustTitle:
    '按回访量向本级平均分收缩后的得分（经验贝叶斯），回访越少越接近平均；仅用于排序参考与标记，正式排名、名次与类别仍按综合得分',
  fewCallbacks: '回访少',
  fewCallbacksHint: '仅 {got} 件回访：本单位数据只占稳健分的 {weight}%，得分高低多属偶然',
  reassign: '改派',
  reassignEffect: '工单将从现承办单位收回并派给所选单位（不计为退单）',
  bulk: {
    selectAll: '全选本页',
    select: '选择工单 {id}',
    selected: '已选 {n} 件',
    remind: '催办',
    escalate: '督办',
    redispatch: '改派到…',
    pickUnit: '选择改派单位',
    go: '改派',
    clear: '取消选择',
    working: '正在处理…',
    result: '{action}：成功 {done} 件，未成功 {failed} 件',
    failedItem: '工单 {id}：{message}',
    noUnits: '所选工单无可改派单位',
  },
};

export const en: typeof zh = {
  search: {
    label: 'Search a ticket id, an address, a street or a grid cell',
    placeholder: 'Ticket id / address / place',
    none: 'Nothing found',
    ticket: 'Ticket',
  },
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
  robust: 'Robust',
  robustTitle:
    'The score shrunk toward this level’s mean by how few callbacks back it (empirical Bayes): the fewer callbacks, the nearer the mean. For ordering and flagging only; the official rank and classes use the score',
  fewCallbacks: 'few callbacks',
  fewCallbacksHint:
    'Only {got} callbacks: the unit’s own data is {weight}% of its robust score; its score is more chance than evidence',
  reassign: 'Re-dispatch',
  reassignEffect: 'The ticket is taken from the unit holding it and sent to the chosen unit (not counted as a return)',
  bulk: {
    selectAll: 'Select all shown',
    select: 'Select ticket {id}',
    selected: '{n} selected',
    remind: 'Remind',
    escalate: 'Escalate',
    redispatch: 'Re-dispatch to…',
    pickUnit: 'Choose the unit',
    go: 'Re-dispatch',
    clear: 'Clear selection',
    working: 'Working…',
    result: '{action}: {done} done, {failed} not done',
    failedItem: 'Ticket {id}: {message}',
    noUnits: 'No unit to re-dispatch the selected tickets to',
  },
};
