// The dispatcher's assistant, pure parts: tokenizer, classifier, evaluation baselines, repeat rule, anonymising.
import { describe, expect, it } from 'vitest';
import { readDescriptions, sampleCalls } from '../../../data/demo/descriptions.ts';
import { deserialise, serialise, suggest, train } from '../../../server/assist/classifier.ts';
import { isRepeat, textSimilarity } from '../../../server/assist/duplicates.ts';
import { evaluate, keywordRanker } from '../../../server/assist/evaluate.ts';
import { anonymise, queryText } from '../../../server/assist/kb.ts';
import { features, langOf, words } from '../../../server/assist/tokenize.ts';

const ZH = [
  { text: '家里暖气片摸着冰凉，屋里才十四度', label: 'heating.no_heat' },
  { text: '暖气一点都不热，老人冻感冒了', label: 'heating.no_heat' },
  { text: '暖气不热，放过气了还是凉的', label: 'heating.no_heat' },
  { text: '楼下工地半夜还在打桩，吵得睡不着', label: 'noise.construction' },
  { text: '工地夜里施工电钻声太吵', label: 'noise.construction' },
  { text: '施工噪音凌晨还在干活', label: 'noise.construction' },
  { text: '楼下酒吧音乐声太大，吵到凌晨两点', label: 'noise.commercial' },
  { text: '烧烤店半夜音箱放歌太吵', label: 'noise.commercial' },
  { text: 'KTV吵到半夜，饭馆门口喇叭一直喊', label: 'noise.commercial' },
];

describe('tokenizer', () => {
  it('segments Chinese with jieba into words, without punctuation or filler words', () => {
    expect(words('我家暖气片摸着冰凉的，物业也不管！', 'zh')).toEqual([
      '我家',
      '暖气片',
      '摸',
      '着',
      '冰凉',
      '物业',
      '不管',
    ]);
  });
  it('adds character bigrams of the Chinese running text, never across punctuation', () => {
    const f = features('暖气不热，好冷', 'zh');
    expect(f.filter((x) => x.startsWith('c:'))).toEqual(['c:暖气', 'c:气不', 'c:不热', 'c:好冷']);
  });
  it('splits other languages into lower-case words without stop words, and padded letter trigrams', () => {
    expect(words("Hi, the radiator's COLD in my apartment", 'other')).toEqual(["radiator's", 'cold', 'apartment']);
    const f = features('no heat', 'other');
    expect(f).toEqual(['w:no', 'w:heat', 'c: he', 'c:hea', 'c:eat', 'c:at ']);
  });
  it('maps the city locale to a language', () => {
    expect([langOf('zh-CN'), langOf('zh'), langOf('en-US'), langOf(null)]).toEqual(['zh', 'zh', 'other', 'other']);
  });
});

describe('classifier', () => {
  const model = train(ZH, { lang: 'zh', seed: 3, minDf: 1, epochs: 30 });
  it('ranks the right category first, with probabilities that sum to at most 1 over the top 3', () => {
    const s = suggest(model, '我们楼暖气片冰凉冰凉的', 3);
    expect(s.map((x) => x.code)).toHaveLength(3);
    expect(s[0].code).toBe('heating.no_heat');
    expect(s[0].p).toBeGreaterThan(s[1].p);
    expect(s.reduce((a, x) => a + x.p, 0)).toBeLessThanOrEqual(1 + 1e-9);
  });
  it('names the words that drove each suggestion', () => {
    const [top] = suggest(model, '工地半夜打桩', 1);
    expect(top.code).toBe('noise.construction');
    expect(top.words.some((w) => w === '工地' || w === '打桩')).toBe(true);
    const [bar] = suggest(model, '酒吧音箱太吵', 1);
    expect(bar.code).toBe('noise.commercial');
    expect(bar.words).toContain('酒吧');
  });
  it('is deterministic for a seed, and another seed gives other weights', () => {
    const again = train(ZH, { lang: 'zh', seed: 3, minDf: 1, epochs: 30 });
    expect(Buffer.from(again.weights.buffer).equals(Buffer.from(model.weights.buffer))).toBe(true);
    const other = train(ZH, { lang: 'zh', seed: 4, minDf: 1, epochs: 30 });
    expect(Buffer.from(other.weights.buffer).equals(Buffer.from(model.weights.buffer))).toBe(false);
  });
  it('survives storage bit for bit', () => {
    const back = deserialise(serialise(model));
    expect(back.labels).toEqual(model.labels);
    expect(suggest(back, '暖气不热', 3)).toEqual(suggest(model, '暖气不热', 3));
  });
  it('drops features below minDf from the vocabulary', () => {
    const m = train(ZH, { lang: 'zh', minDf: 2, epochs: 1 });
    expect(m.vocab).toContain('w:暖气');
    expect(m.vocab).not.toContain('w:ktv');
  });
});

describe('evaluation on a later period of generated calls (New York, English)', () => {
  const vocab = readDescriptions('data/cities/nyc')!;
  const weights = new Map(
    Object.keys(vocab.categories)
      .filter((c) => c !== 'other.unmapped')
      .map((c, i) => [c, 1 + (i % 5)]),
  );
  const calls = sampleCalls(vocab, weights, 6000, 11);
  const earlier = calls.slice(0, 4500);
  const later = calls.slice(4500);
  it('beats the most-frequent and keyword baselines by far, and keeps top-3 above 95%', () => {
    const m = train(earlier, { lang: 'other', seed: 1 });
    const counts = new Map<string, number>();
    for (const d of earlier) counts.set(d.label, (counts.get(d.label) ?? 0) + 1);
    const names = [...weights.keys()].map((code) => ({ code, names: [code.split('.')[1].replace(/_/g, ' ')] }));
    const e = evaluate(m, later, { counts, categories: names });
    expect(e.tickets).toBe(1500);
    expect(e.model.top1).toBeGreaterThanOrEqual(0.85);
    expect(e.model.top3).toBeGreaterThanOrEqual(0.95);
    expect(e.model.top1).toBeLessThan(0.99); // an honest task: vague and confusable calls exist
    expect(e.model.top1 - e.keyword.top1).toBeGreaterThanOrEqual(0.1);
    expect(e.model.top1 - e.mostFrequent.top1).toBeGreaterThanOrEqual(0.5);
    const recall = e.perCategory.filter((c) => c.support > 0).map((c) => c.recall as number);
    expect(recall.length).toBe(weights.size);
    for (const c of e.perCategory) if (c.precision !== null) expect(c.precision).toBeGreaterThanOrEqual(0);
  });
  it('the keyword matcher ranks by matched name words, ties to the more frequent category', () => {
    const rank = keywordRanker(
      [
        { code: 'a.heat', names: ['No heat or hot water'] },
        { code: 'b.water', names: ['Water leak'] },
        { code: 'c.noise', names: ['Noise'] },
      ],
      'other',
      new Map([
        ['a.heat', 5],
        ['b.water', 9],
        ['c.noise', 1],
      ]),
    );
    expect(rank('hot water and heat are out')).toEqual(['a.heat', 'b.water', 'c.noise']);
    expect(rank('water everywhere')).toEqual(['b.water', 'a.heat', 'c.noise']);
    expect(rank('nothing matches')).toEqual(['b.water', 'a.heat', 'c.noise']);
  });
});

describe('repeat rule', () => {
  const base = {
    category: 'noise.construction',
    receivedAt: Date.UTC(2025, 0, 10),
    text: '工地半夜打桩太吵',
    phone: null,
    address: null,
    distanceMetres: null,
  };
  it('links nearby calls with similar words within the window', () => {
    const later = {
      ...base,
      receivedAt: base.receivedAt + 2 * 86_400_000,
      text: '半夜工地还在打桩，吵死了',
      distanceMetres: 30,
    };
    expect(textSimilarity(base.text, later.text, 'zh')).toBeGreaterThan(0.25);
    expect(isRepeat(base, later, 30, 'zh')).toBe(true);
    expect(isRepeat(base, { ...later, distanceMetres: 80 }, 30, 'zh')).toBe(false);
    expect(isRepeat(base, { ...later, text: '楼下饭馆油烟太大' }, 30, 'zh')).toBe(false);
    expect(isRepeat(base, { ...later, category: 'noise.commercial' }, 30, 'zh')).toBe(false);
    expect(isRepeat(base, { ...later, receivedAt: base.receivedAt + 31 * 86_400_000 }, 30, 'zh')).toBe(false);
  });
  it('links the same caller or address at any distance, as intake always has', () => {
    const later = { ...base, receivedAt: base.receivedAt + 86_400_000, text: '别的说法', phone: '13800000000' };
    expect(isRepeat({ ...base, phone: '13800000000' }, later, 30, 'zh')).toBe(true);
    expect(isRepeat({ ...base, phone: '13900000000' }, later, 30, 'zh')).toBe(false);
  });
});

describe('knowledge base helpers', () => {
  it('removes the caller name, phone and house numbers from a classic case', () => {
    expect(anonymise('张伟反映：3号楼2单元暖气不热，电话13812345678', '张伟', true)).toBe(
      '张*反映：****暖气不热，电话****',
    );
    expect(anonymise('Maria Lopez says no heat in Apt 4B, call (212) 555-0147', 'Maria Lopez', false)).toBe(
      '*** says no heat in Apt **, call ****',
    );
  });
  it('turns a query into any-of terms of letters and digits only', () => {
    expect(queryText('暖气不热怎么办？', 'zh')).toBe('暖气 | 不 | 热 | 怎么 | 怎么办');
    expect(queryText('heat & hot-water; drop table', 'other')).toBe('heat | hot | water | drop | table');
    expect(queryText('！？', 'zh')).toBeNull();
  });
});
