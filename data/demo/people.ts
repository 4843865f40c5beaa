// Fake but plausible personal data and free text, in the city's language. Chinese: names from
// common surnames and given-name characters, 11-digit mobile numbers from real prefixes, addresses
// as district + street + estate or road. English: US first names and surnames, NANP numbers
// "(212) 734-5521", addresses "1452 Maple Avenue, Brooklyn, NY". They look right on screen and in
// masking tests, and belong to nobody in particular.
import type { TicketKind } from '../../db/schema.ts';
import type { Rng } from './random.ts';
import { WeightedTable } from './random.ts';

export const DEMO_LOCALES = ['zh', 'en'] as const;
export type DemoLocale = (typeof DEMO_LOCALES)[number];

export interface Caller {
  name: string;
  phone: string;
}

/** Everything the generator writes in words, for one language. */
export interface People {
  locale: DemoLocale;
  caller(rng: Rng): Caller;
  /** A street address inside the named district and street (the ticket's "where" when it has no point). */
  address(rng: Rng, district: string, street: string): string;
  /** A named estate or building, used for planted clusters so every ticket of the cluster carries the same place. */
  estate(rng: Rng, district: string, street: string): string;
  /** One-line description: the category in the citizen's words, plus a closing plea. */
  description(rng: Rng, category: string, kind: TicketKind): string;
  /** Address of a ticket from outside the city. */
  outsideAddress: string;
  /** Why a unit returns a ticket (退单). */
  returnReasons: string[];
  /** Note on a ticket forwarded out of the city. */
  forwardedNote: string;
  /** The unit's reply (办理结果), shown to Open311 clients as status_notes. */
  replyNote: string;
  /** Which of a row's names to write. */
  name(names: { nameZh: string; nameEn?: string | null }): string;
}

export interface PeopleOptions {
  /** English addresses: what follows the borough or district, e.g. "NY". */
  addressSuffix?: string;
  /** English phone numbers: area codes to draw from (default: any valid-looking one). */
  areaCodes?: string[];
}

// --- Chinese ---------------------------------------------------------------------------------------

// The most frequent surnames, weighted roughly by their share of the population.
const SURNAMES =
  '王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤';
const SURNAME_TABLE = new WeightedTable(
  [...SURNAMES],
  [...SURNAMES].map((_, i) => 1 / Math.pow(i + 3, 0.9)),
);
const GIVEN =
  '伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉萍红娥建华文辉力鹏宇浩然子涵欣怡梓轩雨晨思远佳琪博文俊杰志强海燕春梅国庆建国淑珍凤兰秀珍玉兰建军晓东丽娟雪梅宏伟永红立新';
const MOBILE_PREFIXES = [
  '130',
  '131',
  '132',
  '133',
  '135',
  '136',
  '137',
  '138',
  '139',
  '150',
  '151',
  '152',
  '153',
  '155',
  '156',
  '157',
  '158',
  '159',
  '166',
  '173',
  '176',
  '177',
  '178',
  '180',
  '181',
  '182',
  '183',
  '185',
  '186',
  '187',
  '188',
  '189',
  '191',
  '198',
  '199',
];

const ROADS = [
  '建设路',
  '幸福街',
  '光明路',
  '和平里',
  '团结湖路',
  '安华里',
  '双井街',
  '劲松路',
  '花园路',
  '永定路',
  '育新街',
  '友谊路',
  '民主街',
  '胜利路',
  '朝阳路',
  '新华街',
  '文化路',
  '北苑路',
  '南湖路',
  '东风路',
  '西环路',
  '青年路',
  '工人街',
  '学院路',
  '复兴路',
  '科技园路',
  '兴华大街',
  '长青路',
  '龙潭路',
  '百子湾路',
];
const PLACES = ['小区', '家园', '里', '苑', '嘉园', '北区', '南里', '新村', '花园', '公寓'];
const PLACE_HEADS = [
  '金桥',
  '阳光',
  '翠微',
  '芳园',
  '安贞',
  '望京',
  '回龙',
  '天通',
  '枫林',
  '康泰',
  '紫竹',
  '华清',
  '宏福',
  '融泽',
  '怡海',
  '恒大',
  '首开',
  '世纪',
  '畅春',
  '富力',
];
const CLOSINGS_ZH = [
  '请尽快处理',
  '希望相关部门尽快解决',
  '已持续多日',
  '严重影响生活',
  '多次反映未解决',
  '请核实处理',
  '希望给个说法',
  '',
];

export const KIND_ZH: Record<TicketKind, string> = {
  complaint: '投诉',
  report: '举报',
  help: '求助',
  consultation: '咨询',
  suggestion: '建议',
  praise: '表扬',
};

const zh: People = {
  locale: 'zh',
  caller(rng) {
    const given = GIVEN[rng.int(GIVEN.length)] + (rng.chance(0.7) ? GIVEN[rng.int(GIVEN.length)] : '');
    let digits = '';
    for (let i = 0; i < 8; i++) digits += rng.int(10);
    return { name: SURNAME_TABLE.draw(rng) + given, phone: rng.pick(MOBILE_PREFIXES) + digits };
  },
  address(rng, district, street) {
    if (rng.chance(0.55)) {
      const building = `${1 + rng.int(30)}号楼${1 + rng.int(6)}单元`;
      return `${district}${street}${rng.pick(PLACE_HEADS)}${rng.pick(PLACES)}${building}`;
    }
    return `${district}${street}${rng.pick(ROADS)}${1 + rng.int(200)}号附近`;
  },
  estate(rng, district, street) {
    return `${district}${street}${rng.pick(PLACE_HEADS)}${rng.pick(PLACES)}`;
  },
  description(rng, category, kind) {
    const closing = rng.pick(CLOSINGS_ZH);
    return `${KIND_ZH[kind]}：${category}${closing ? '，' + closing : ''}`;
  },
  outsideAddress: '外埠地址（非本市范围）',
  returnReasons: ['非本辖区', '非本单位职责', '地址不详需核实', '已由其他单位处理'],
  forwardedNote: '非本市范围，转外地热线',
  replyNote: '已到现场核实处理，并已答复市民',
  name: (n) => n.nameZh,
};

// --- English (US) ----------------------------------------------------------------------------------

const FIRST = [
  'James',
  'Mary',
  'Robert',
  'Patricia',
  'John',
  'Jennifer',
  'Michael',
  'Linda',
  'David',
  'Elizabeth',
  'William',
  'Barbara',
  'Richard',
  'Susan',
  'Joseph',
  'Jessica',
  'Thomas',
  'Sarah',
  'Christopher',
  'Karen',
  'Daniel',
  'Lisa',
  'Matthew',
  'Nancy',
  'Anthony',
  'Sandra',
  'Mark',
  'Ashley',
  'Kevin',
  'Angela',
  'Jose',
  'Maria',
  'Luis',
  'Carmen',
  'Juan',
  'Rosa',
  'Wei',
  'Mei',
  'Jin',
  'Hyun',
  'Priya',
  'Raj',
  'Aisha',
  'Mohammed',
  'Fatima',
  'Omar',
  'Olga',
  'Dmitri',
  'Kwame',
  'Ama',
  'Sean',
  'Bridget',
  'Giovanni',
  'Sofia',
  'Andre',
  'Keisha',
  'Tyrone',
  'Shanice',
  'Ethan',
  'Chloe',
];
const LAST = [
  'Smith',
  'Johnson',
  'Williams',
  'Brown',
  'Jones',
  'Garcia',
  'Miller',
  'Davis',
  'Rodriguez',
  'Martinez',
  'Hernandez',
  'Lopez',
  'Gonzalez',
  'Wilson',
  'Anderson',
  'Thomas',
  'Taylor',
  'Moore',
  'Jackson',
  'Martin',
  'Lee',
  'Perez',
  'Thompson',
  'White',
  'Harris',
  'Sanchez',
  'Clark',
  'Ramirez',
  'Lewis',
  'Robinson',
  'Walker',
  'Young',
  'Allen',
  'King',
  'Wright',
  'Scott',
  'Torres',
  'Nguyen',
  'Hill',
  'Flores',
  'Green',
  'Adams',
  'Nelson',
  'Baker',
  'Rivera',
  'Campbell',
  'Mitchell',
  'Carter',
  'Roberts',
  'Chen',
  'Wang',
  'Kim',
  'Patel',
  'Cohen',
  'Murphy',
  'Kelly',
  "O'Brien",
  'Rossi',
  'Ivanov',
  'Mensah',
];
const LAST_TABLE = new WeightedTable(
  LAST,
  LAST.map((_, i) => 1 / Math.pow(i + 3, 0.6)),
);
const STREET_NAMES = [
  'Main',
  'Park',
  'Oak',
  'Maple',
  'Cedar',
  'Elm',
  'Washington',
  'Lincoln',
  'Jefferson',
  'Madison',
  'Franklin',
  'Church',
  'Spring',
  'Union',
  'Hill',
  'Lake',
  'River',
  'Central',
  'Prospect',
  'Grand',
  'Walnut',
  'Willow',
  'Chestnut',
  'Pine',
  'Highland',
  'Mill',
  'Bay',
  'Ocean',
  'Fulton',
  'Clinton',
];
const STREET_TYPES = ['Street', 'Street', 'Avenue', 'Avenue', 'Place', 'Road', 'Boulevard', 'Lane'];
const BUILDING_NAMES = ['Houses', 'Towers', 'Gardens', 'Plaza', 'Court', 'Terrace', 'Apartments'];
const CLOSINGS_EN = [
  'please fix it soon',
  'it has gone on for days',
  'reported before and still not fixed',
  'this is affecting the whole block',
  'please send someone',
  '',
];
const KIND_EN: Record<TicketKind, string> = {
  complaint: 'Complaint',
  report: 'Report',
  help: 'Request for help',
  consultation: 'Question',
  suggestion: 'Suggestion',
  praise: 'Praise',
};

const ordinal = (n: number) => {
  const s = n % 100 >= 11 && n % 100 <= 13 ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th');
  return `${n}${s}`;
};

function englishStreet(rng: Rng): string {
  if (rng.chance(0.35)) {
    const n = 1 + rng.int(rng.chance(0.7) ? 120 : 12);
    return rng.chance(0.6) ? `${rng.pick(['East', 'West'])} ${ordinal(n)} Street` : `${ordinal(n)} Avenue`;
  }
  return `${rng.pick(STREET_NAMES)} ${rng.pick(STREET_TYPES)}`;
}

function english(opts: PeopleOptions): People {
  const tail = (district: string) => (opts.addressSuffix ? `${district}, ${opts.addressSuffix}` : district);
  const areaCodes = opts.areaCodes && opts.areaCodes.length > 0 ? opts.areaCodes : null;
  return {
    locale: 'en',
    caller(rng) {
      const area = areaCodes ? rng.pick(areaCodes) : `${2 + rng.int(8)}${rng.int(10)}${rng.int(10)}`;
      // NANP: the exchange never starts with 0 or 1, and N11 exchanges are service codes.
      let exchange: string;
      do exchange = `${2 + rng.int(8)}${rng.int(10)}${rng.int(10)}`;
      while (exchange.endsWith('11'));
      let line = '';
      for (let i = 0; i < 4; i++) line += rng.int(10);
      return { name: `${rng.pick(FIRST)} ${LAST_TABLE.draw(rng)}`, phone: `(${area}) ${exchange}-${line}` };
    },
    address(rng, district) {
      const house = 1 + rng.int(rng.chance(0.8) ? 400 : 3000);
      const street = englishStreet(rng);
      if (rng.chance(0.45))
        return `${house} ${street}, Apt ${1 + rng.int(20)}${'ABCDEFGH'[rng.int(8)]}, ${tail(district)}`;
      return `${house} ${street}, ${tail(district)}`;
    },
    estate(rng, district) {
      return `${rng.pick(STREET_NAMES)} ${rng.pick(BUILDING_NAMES)}, ${1 + rng.int(400)} ${englishStreet(rng)}, ${tail(district)}`;
    },
    description(rng, category, kind) {
      const closing = rng.pick(CLOSINGS_EN);
      return `${KIND_EN[kind]}: ${category}${closing ? ' — ' + closing : ''}`;
    },
    outsideAddress: 'Outside the city limits',
    returnReasons: [
      'Not in our area',
      'Not our responsibility',
      'Address unclear, needs checking',
      'Already handled by another agency',
    ],
    forwardedNote: 'Outside the city: referred to the neighbouring jurisdiction',
    replyNote: 'Inspected on site and resolved; the caller was informed',
    name: (n) => n.nameEn || n.nameZh,
  };
}

export function peopleFor(locale: DemoLocale, opts: PeopleOptions = {}): People {
  return locale === 'zh' ? zh : english(opts);
}
