// Strings of the forecast's backtest verdict (studio forecast tab): zh-CN first; en has the same keys.
export const zh = {
  beatsAll:
    '回测：本预测在 {n} 个月中优于全部四种基线方法（上月、去年同月、历史平均、季节朴素法），配对自助法 p < 0.05。',
  notBeating:
    '注意：在本市数据上，本预测没有在统计上优于以下基线方法：{list}（配对自助法，p ≥ 0.05 或数据不足）。巡查清单仅供参考。',
  baseline: { lastMonth: '上月', sameMonthLastYear: '去年同月', priorMean: '历史平均', seasonalNaive: '季节朴素法' },
  vs: '{name}：差 {d}，p = {p}（{n} 个月）',
  noP: '{name}：可比月份不足',
  table: '与基线方法的配对比较',
};

export const en: typeof zh = {
  beatsAll:
    'Backtest: this forecast beats all four baselines (last month, same month last year, mean of prior months, seasonal naive) over {n} months, paired bootstrap p < 0.05.',
  notBeating:
    'Caution: on this city’s data the forecast is not shown to be better than: {list} (paired bootstrap p ≥ 0.05, or too few months). Treat the work list as a guide only.',
  baseline: {
    lastMonth: 'last month',
    sameMonthLastYear: 'same month last year',
    priorMean: 'mean of prior months',
    seasonalNaive: 'seasonal naive',
  },
  vs: '{name}: difference {d}, p = {p} ({n} months)',
  noP: '{name}: too few comparable months',
  table: 'Paired comparison with the baselines',
};
