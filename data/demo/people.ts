// Fake but plausible personal data and free text. Names are drawn from common surnames and
// given-name characters, phone numbers from real mobile prefixes with random digits: they look
// right on screen and in masking tests, and belong to nobody in particular.
import type { Rng } from './random.ts';
import { WeightedTable } from './random.ts';

// The most frequent surnames, weighted roughly by their share of the population.
const SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤';
const SURNAME_TABLE = new WeightedTable([...SURNAMES], [...SURNAMES].map((_, i) => 1 / Math.pow(i + 3, 0.9)));
const GIVEN = '伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉萍红娥建华文辉力鹏宇浩然子涵欣怡梓轩雨晨思远佳琪博文俊杰志强海燕春梅国庆建国淑珍凤兰秀珍玉兰建军晓东丽娟雪梅宏伟永红立新';
const MOBILE_PREFIXES = ['130', '131', '132', '133', '135', '136', '137', '138', '139', '150', '151', '152', '153', '155', '156', '157', '158', '159', '166', '173', '176', '177', '178', '180', '181', '182', '183', '185', '186', '187', '188', '189', '191', '198', '199'];

export interface Caller {
  name: string;
  phone: string;
}

export function fakeCaller(rng: Rng): Caller {
  const given = GIVEN[rng.int(GIVEN.length)] + (rng.chance(0.7) ? GIVEN[rng.int(GIVEN.length)] : '');
  let digits = '';
  for (let i = 0; i < 8; i++) digits += rng.int(10);
  return { name: SURNAME_TABLE.draw(rng) + given, phone: rng.pick(MOBILE_PREFIXES) + digits };
}

const ROADS = ['建设路', '幸福街', '光明路', '和平里', '团结湖路', '安华里', '双井街', '劲松路', '花园路', '永定路', '育新街', '友谊路', '民主街', '胜利路', '朝阳路', '新华街', '文化路', '北苑路', '南湖路', '东风路', '西环路', '青年路', '工人街', '学院路', '复兴路', '科技园路', '兴华大街', '长青路', '龙潭路', '百子湾路'];
const PLACES = ['小区', '家园', '里', '苑', '嘉园', '北区', '南里', '新村', '花园', '公寓'];
const PLACE_HEADS = ['金桥', '阳光', '翠微', '芳园', '安贞', '望京', '回龙', '天通', '枫林', '康泰', '紫竹', '华清', '宏福', '融泽', '怡海', '恒大', '首开', '世纪', '畅春', '富力'];

/** A street address inside the named district and street (the ticket's "where" when it has no point). */
export function fakeAddress(rng: Rng, districtZh: string, streetZh: string): string {
  if (rng.chance(0.55)) {
    const building = `${1 + rng.int(30)}号楼${1 + rng.int(6)}单元`;
    return `${districtZh}${streetZh}${rng.pick(PLACE_HEADS)}${rng.pick(PLACES)}${building}`;
  }
  return `${districtZh}${streetZh}${rng.pick(ROADS)}${1 + rng.int(200)}号附近`;
}

/** A named estate, used for planted clusters so every ticket of the cluster carries the same place. */
export function fakeEstate(rng: Rng, districtZh: string, streetZh: string): string {
  return `${districtZh}${streetZh}${rng.pick(PLACE_HEADS)}${rng.pick(PLACES)}`;
}

const CLOSINGS = ['请尽快处理', '希望相关部门尽快解决', '已持续多日', '严重影响生活', '多次反映未解决', '请核实处理', '希望给个说法', ''];

/** One-line description: the category in the citizen's words, plus a closing plea. */
export function fakeDescription(rng: Rng, categoryZh: string, kindZh: string): string {
  const closing = rng.pick(CLOSINGS);
  return `${kindZh}：${categoryZh}${closing ? '，' + closing : ''}`;
}

export const KIND_ZH: Record<string, string> = {
  complaint: '投诉',
  report: '举报',
  help: '求助',
  consultation: '咨询',
  suggestion: '建议',
  praise: '表扬',
};
