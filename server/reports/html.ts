// The monthly bulletin (月度通报) as one printable page: self-contained (inline CSS, no scripts,
// fonts, images or links to fetch), A4 portrait with print rules, Chinese by default.
import type { RankingResult, RankingRow } from '../ranking/service.ts';
import type { MonthlyBulletin } from './build.ts';
import { t, type Lang } from './labels.ts';
import { pct } from './sheets.ts';

function esc(s: unknown): string {
  return String(s ?? '').replace(
    /[&<>"']/g,
    (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch] as string,
  );
}

function num(x: number | null | undefined, digits = 2): string {
  return x === null || x === undefined ? '—' : x.toFixed(digits);
}

function nm(lang: Lang, zh: string | null, en: string | null, code: string): string {
  return (lang === 'zh' ? zh : en) ?? zh ?? en ?? code;
}

function change(x: number | null): string {
  if (x === null) return '—';
  if (x > 0) return `<span class="up">↑${x}</span>`;
  if (x < 0) return `<span class="down">↓${-x}</span>`;
  return '0';
}

const CSS = `
@page { size: A4 portrait; margin: 14mm 12mm 16mm; }
* { box-sizing: border-box; }
body { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", "SimSun", sans-serif;
       font-size: 10.5pt; line-height: 1.5; color: #111; margin: 0 auto; max-width: 190mm; padding: 8mm 0; }
h1 { font-size: 18pt; text-align: center; margin: 0 0 2mm; letter-spacing: 0.1em; }
.sub { text-align: center; color: #444; margin: 0 0 6mm; font-size: 9.5pt; }
.notice { border: 1px solid #c00; color: #c00; padding: 2mm 3mm; margin-bottom: 4mm; }
h2 { font-size: 13pt; margin: 6mm 0 2mm; border-bottom: 1.5px solid #b00; padding-bottom: 1mm; page-break-after: avoid; break-after: avoid; }
p { margin: 1mm 0; }
table { width: 100%; border-collapse: collapse; font-size: 8pt; margin: 1mm 0 3mm; }
thead { display: table-header-group; }
th, td { border: 0.5pt solid #999; padding: 0.5mm 1mm; text-align: right; white-space: nowrap; }
th { background: #eee; text-align: center; white-space: normal; }
td.l { text-align: left; }
tr { page-break-inside: avoid; break-inside: avoid; }
.up { color: #080; } .down { color: #c00; }
.tag { display: inline-block; border: 0.5pt solid #666; border-radius: 1mm; padding: 0 1mm; margin-right: 0.5mm; font-size: 7.5pt; }
.tag.advanced { background: #e4f4e4; } .tag.progressing { background: #e4eefc; }
.tag.rectification { background: #fde4e4; } .tag.governance { background: #fdf3dc; }
tr.red td { background: #fde4e4; }
.classes dt { font-weight: bold; margin-top: 1.5mm; } .classes dd { margin: 0 0 0 6mm; }
.note { font-size: 8pt; color: #555; }
.small { font-size: 7.5pt; color: #555; white-space: nowrap; }
.rules { font-size: 8.5pt; color: #333; border-top: 0.5pt solid #999; margin-top: 6mm; padding-top: 2mm; }
* { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
@media screen { body { padding: 10mm; } }
`;

function tags(r: RankingRow, lang: Lang): string {
  return (
    r.classes.map((c) => `<span class="tag ${c}">${esc(t(c, lang))}</span>`).join('') +
    (r.redZone ? `<span class="tag rectification">${esc(t('redZoneFlag', lang))}</span>` : '')
  );
}

function rankingTable(r: RankingResult, lang: Lang, withParent: boolean): string {
  const head = [
    t('rank', lang),
    t('rankChange', lang),
    t('name', lang),
    ...(withParent ? [t('parent', lang)] : []),
    t('score', lang),
    t('response', lang),
    t('resolution', lang),
    t('satisfaction', lang),
    t('calledBack', lang),
    t('volume', lang),
    ...(r.governanceBasis === 'per10k' ? [t('per10k', lang)] : []),
    t('classes', lang),
  ];
  const rows = r.rows.map(
    (
      x,
    ) => `<tr${x.redZone ? ' class="red"' : ''}><td>${x.rank ?? (x.unranked === 'smallSample' ? `<span class="small">${esc(t('smallSample', lang))}</span>` : '—')}</td><td>${change(x.rankChange)}</td>
      <td class="l">${esc(nm(lang, x.nameZh, x.nameEn, x.code))}</td>${withParent ? `<td class="l">${esc(nm(lang, x.parentNameZh, x.parentNameEn, ''))}</td>` : ''}
      <td>${num(x.score)}</td><td>${num(pct(x.response))}</td><td>${num(pct(x.resolution))}</td><td>${num(pct(x.satisfaction))}</td>
      <td>${x.counts.calledBack}</td><td>${x.volume}</td>${r.governanceBasis === 'per10k' ? `<td>${num(x.volumePer10k)}</td>` : ''}
      <td class="l">${tags(x, lang)}</td></tr>`,
  );
  return `<table><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function ratio(cur: number | null, prev: number | null, lang: Lang): string {
  if (cur === null || prev === null) return '';
  const d = cur - prev;
  const word = lang === 'zh' ? (d >= 0 ? '上升' : '下降') : d >= 0 ? 'up' : 'down';
  return lang === 'zh'
    ? `，较上月${word}${Math.abs(d).toFixed(2)}个百分点`
    : `, ${word} ${Math.abs(d).toFixed(2)} points on last month`;
}

function names(r: RankingResult, codes: readonly string[], lang: Lang, withChange = false): string {
  if (codes.length === 0) return lang === 'zh' ? '无' : 'none';
  const byCode = new Map(r.rows.map((x) => [x.code, x]));
  return codes
    .map((c) => {
      const x = byCode.get(c);
      const label = esc(x ? nm(lang, x.nameZh, x.nameEn, c) : c);
      return withChange && x?.rankChange ? `${label}（${x.rankChange > 0 ? '+' : ''}${x.rankChange}）` : label;
    })
    .join(lang === 'zh' ? '、' : ', ');
}

export function bulletinHtml(b: MonthlyBulletin, lang: Lang = 'zh'): string {
  const zh = lang === 'zh';
  const [y, m] = b.month.split('-');
  const title = zh ? `12345市民服务热线接诉即办月度通报` : `12345 Hotline Monthly Bulletin`;
  const when = zh ? `${y}年${Number(m)}月` : b.month;
  const c = b.city;
  const pv = b.previous;
  const s = b.streets;
  const policy = s.policy;
  const moversRows = (list: RankingResult['movers']['up']) =>
    list
      .map(
        (x) =>
          `<tr><td class="l">${esc(nm(lang, x.nameZh, x.nameEn, x.code))}${x.eligible ? '' : '*'}</td><td>${x.previousRank ?? '—'}</td><td>${x.rank ?? '—'}</td><td>${change(x.rankChange)}</td></tr>`,
      )
      .join('');
  const moversHead = `<thead><tr><th>${esc(t('name', lang))}</th><th>${esc(t('previousRank', lang))}</th><th>${esc(t('rank', lang))}</th><th>${esc(t('rankChange', lang))}</th></tr></thead>`;
  const redRows = s.rows.filter((x) => x.redZone);
  const warnings = b.warnings.map(
    (w) =>
      `<tr><td class="l">${esc(zh ? w.categoryNameZh : w.categoryNameEn)}</td><td class="l">${esc(w.districtCode === null ? t('wholeCity', lang) : nm(lang, w.districtNameZh, w.districtNameEn, w.districtCode))}</td>
       <td>${w.current}</td><td>${num(w.expected, 1)}</td><td>${num(w.ratio, 1)}</td><td class="l">${esc(t(w.level, lang))}</td></tr>`,
  );
  const section = (n: string, zhTitle: string, enTitle: string) => `<h2>${zh ? `${n}、${zhTitle}` : enTitle}</h2>`;
  return `<!DOCTYPE html>
<html lang="${zh ? 'zh-CN' : 'en'}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)} ${esc(when)}</title>
<style>${CSS}</style>
</head>
<body>
<h1>${esc(title)}</h1>
<p class="sub">${esc(when)} · ${zh ? '统计时区' : 'Time zone'} ${esc(b.timeZone)} · ${zh ? '生成于' : 'Generated'} ${esc(b.generatedAt.slice(0, 16).replace('T', ' '))} UTC</p>
${b.status === 'open' ? `<p class="notice">${zh ? '本月尚未结束，以下为截至目前的初步数据，排名以月末数据为准。' : 'This month has not ended: figures are provisional until the month closes.'}</p>` : ''}
${section('一', '总体情况', '1. Overview')}
<p>${zh ? `本月全市受理诉求 ${c.counts.volume} 件（上月 ${pv.counts.volume} 件），派单 ${c.counts.dispatched} 件，回访 ${c.counts.calledBack} 件。` : `Demand this month: ${c.counts.volume} tickets (last month ${pv.counts.volume}); ${c.counts.dispatched} dispatched, ${c.counts.calledBack} called back.`}</p>
<p>${zh ? '响应率' : 'Response rate'} ${num(pct(c.response))}%${ratio(pct(c.response), pct(pv.response), lang)}；${zh ? '解决率' : 'resolution rate'} ${num(pct(c.resolution))}%${ratio(pct(c.resolution), pct(pv.resolution), lang)}；${zh ? '满意率' : 'satisfaction rate'} ${num(pct(c.satisfaction))}%${ratio(pct(c.satisfaction), pct(pv.satisfaction), lang)}；${zh ? '综合得分' : 'score'} ${num(c.score)}。</p>
<p>${zh ? `参与排名街乡镇 ${s.ranked} 个（共 ${s.units} 个）。` : `${s.ranked} of ${s.units} streets ranked.`}</p>
${section('二', '分类结果', '2. Classes')}
<dl class="classes">
<dt>${esc(t('advanced', lang))}</dt><dd>${names(s, s.classes.advanced, lang)}</dd>
<dt>${esc(t('progressing', lang))}</dt><dd>${names(s, s.classes.progressing, lang, true)}</dd>
<dt>${esc(t('rectification', lang))}</dt><dd>${names(s, s.classes.rectification, lang)}</dd>
<dt>${esc(t('governance', lang))}</dt><dd>${names(s, s.classes.governance, lang)}</dd>
</dl>
${section('三', '红区', '3. Red zone')}
<p>${redRows.length === 0 ? (zh ? '本月无街乡镇进入红区。' : 'No street is in the red zone this month.') : `${zh ? `连续${policy.redZoneMonths}个月及以上列入整改类：` : `In rectification ${policy.redZoneMonths} months running: `}${redRows.map((x) => `${esc(nm(lang, x.nameZh, x.nameEn, x.code))}（${x.rectificationStreak}）`).join(zh ? '、' : ', ')}`}</p>
${section('四', '排名变化', '4. Movers')}
<table>${moversHead}<tbody>${moversRows(s.movers.up) || `<tr><td class="l" colspan="4">—</td></tr>`}</tbody></table>
<table>${moversHead}<tbody>${moversRows(s.movers.down) || `<tr><td class="l" colspan="4">—</td></tr>`}</tbody></table>
<p class="note">${zh ? `* 回访不足 ${policy.minCalledBack} 件，名次变化仅供参考，不列入进步类、整改类。` : `* Fewer than ${policy.minCalledBack} callbacks: the move is shown but does not count for the progressing or rectification class.`}</p>
${section('五', '街乡镇排名', '5. Street ranking')}
${rankingTable(s, lang, true)}
${section('六', '各区排名', '6. Districts')}
${rankingTable(b.districts, lang, false)}
${section('七', '部门和公共服务企业排名', '7. Departments and utilities')}
${rankingTable(b.departments, lang, false)}
${rankingTable(b.utilities, lang, false)}
${section('八', '预警', '8. Warnings')}
${warnings.length === 0 ? `<p>${zh ? '本月未发现明显上升的诉求类别。' : 'No category rose markedly this month.'}</p>` : `${expectedNote(b, zh)}<table><thead><tr><th>${esc(t('category', lang))}</th><th>${esc(t('district', lang))}</th><th>${esc(t('current', lang))}</th><th>${esc(t('expected', lang))}</th><th>${esc(t('ratio', lang))}</th><th>${esc(t('level', lang))}</th></tr></thead><tbody>${warnings.join('')}</tbody></table>`}
<div class="rules">
${
  zh
    ? `<p>说明：综合得分 = 响应率×${policy.weights.response} + 解决率×${policy.weights.resolution} + 满意率×${policy.weights.satisfaction}（基本满意按 ${policy.satisfactionWeights.basic} 计）。响应率按单位首次派单时间归月，解决率、满意率按回访时间归月，诉求量按受理时间归月，均以北京时间计。得分相同名次并列；回访不足 ${policy.minCalledBackToRank} 件的单位不参与排名（列于表末）；回访不足 ${Math.max(policy.minCalledBack, policy.minCalledBackToRank)} 件的单位不列入先进类、进步类、整改类。本月先进类、整改类各取前、后 ${s.classPlaces.advanced}/${s.classPlaces.rectification} 名（并列者全部列入），进步类取名次上升最多的 ${s.classPlaces.progressing} 名，治理类取${s.governanceBasis === 'per10k' ? '万人诉求量' : '诉求量'}最高的 ${s.classPlaces.governance} 名；连续 ${policy.redZoneMonths} 个月列入整改类的进入红区。</p>`
    : `<p>Notes: score = response × ${policy.weights.response} + resolution × ${policy.weights.resolution} + satisfaction × ${policy.weights.satisfaction} ("basically satisfied" counts ${policy.satisfactionWeights.basic}). Response is counted in the month of the unit's first dispatch, resolution and satisfaction in the month of the callback, demand in the month of receipt (city time). Equal scores share a rank; units with fewer than ${policy.minCalledBackToRank} callbacks are not ranked (listed last), and with fewer than ${Math.max(policy.minCalledBack, policy.minCalledBackToRank)} not classed advanced, progressing or rectification. This month advanced and rectification take the top and bottom ${s.classPlaces.advanced}/${s.classPlaces.rectification} places (ties included), progressing the ${s.classPlaces.progressing} largest gains, governance the ${s.classPlaces.governance} highest ${s.governanceBasis === 'per10k' ? 'demand per 10,000 residents' : 'demand volumes'}. Red zone: rectification ${policy.redZoneMonths} months running.</p>`
}
</div>
</body>
</html>
`;
}

/** Where the warnings' expected values come from (seasonal: the same period a year earlier × the growth since). */
function expectedNote(
  b: { expectedBasis?: { basis: 'seasonal' | 'recent'; growth: number | null } },
  zh: boolean,
): string {
  const e = b.expectedBasis;
  if (!e) return '';
  if (e.basis === 'seasonal') {
    const g = ((e.growth ?? 1) * 100 - 100).toFixed(0);
    return `<p class="note">${zh ? `预期值 = 去年同期 × 总量同比（${Number(g) >= 0 ? '+' : ''}${g}%），季节性诉求（如冬季供暖）与去年同季相比。` : `Expected = the same period last year × overall growth since (${Number(g) >= 0 ? '+' : ''}${g}%): seasonal demand (heating in winter) is compared with last year's season.`}</p>`;
  }
  return `<p class="note">${zh ? '数据不足一年，预期值按前三个月的水平计算，季节性诉求可能被误报。' : 'Less than a year of data: expected values follow the previous three months, so seasonal demand may be flagged.'}</p>`;
}
