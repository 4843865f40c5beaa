// Words and character n-grams of a citizen's description, in the city's language. Chinese is
// segmented with jieba (@node-rs/jieba, its bundled dictionary, HMM off: stable and fast), other
// languages split on letters and digits. Features carry a prefix: 'w:' a word, 'c:' a character
// n-gram (Chinese: bigrams of the running text; others: trigrams inside each word, padded, so a
// misspelt word still shares most of its features with the right one).
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

interface JiebaLike {
  cut(sentence: string, hmm?: boolean | null): string[];
  cutForSearch(sentence: string, hmm?: boolean | null): string[];
}

let jieba: JiebaLike | null = null;
/** The shared segmenter (its dictionary loads once, ~0.2 s). */
export function segmenter(): JiebaLike {
  if (!jieba) {
    const { Jieba } = require('@node-rs/jieba') as { Jieba: { withDict(d: Uint8Array): JiebaLike } };
    const { dict } = require('@node-rs/jieba/dict') as { dict: Uint8Array };
    jieba = Jieba.withDict(dict);
  }
  return jieba;
}

export type Lang = 'zh' | 'other';
export const langOf = (locale: string | null | undefined): Lang =>
  locale && locale.toLowerCase().startsWith('zh') ? 'zh' : 'other';

const WORDLIKE = /[\p{L}\p{N}]/u;
// Words that say nothing about the category (the phrases every call has).
const STOP_ZH = new Set([
  '的',
  '了',
  '是',
  '我',
  '我们',
  '你',
  '你们',
  '在',
  '也',
  '都',
  '就',
  '还',
  '啊',
  '吧',
  '呢',
  '吗',
  '给',
  '这',
  '那',
  '有',
  '和',
  '一下',
  '一个',
  '请',
  '您好',
  '你好',
  '喂',
  '那个',
]);
const STOP_EN = new Set([
  'the',
  'a',
  'an',
  'and',
  'or',
  'is',
  'are',
  'was',
  'it',
  'its',
  'i',
  'my',
  'me',
  'we',
  'our',
  'to',
  'of',
  'in',
  'on',
  'at',
  'for',
  'this',
  'that',
  'there',
  'be',
  'been',
  'has',
  'have',
  'hi',
  'hello',
  'um',
  'yes',
  'you',
  'u',
  'with',
  'from',
  'so',
  'just',
]);

/** The words of a text (lower case; stop words out), as a person would read them. */
export function words(text: string, lang: Lang): string[] {
  if (lang === 'zh') {
    const out: string[] = [];
    for (const w of segmenter().cut(text, false)) {
      const t = w.trim().toLowerCase();
      if (t && WORDLIKE.test(t) && !STOP_ZH.has(t)) out.push(t);
    }
    return out;
  }
  const out: string[] = [];
  for (const m of text.toLowerCase().matchAll(/[\p{L}\p{N}']+/gu)) {
    const t = m[0].replace(/^'+|'+$/g, '');
    if (t && !STOP_EN.has(t)) out.push(t);
  }
  return out;
}

/** Search terms for full-text indexing: jieba's search mode for Chinese (words and their parts). */
export function searchTerms(text: string, lang: Lang): string[] {
  if (lang !== 'zh') return words(text, lang);
  const out = new Set<string>();
  for (const w of segmenter().cutForSearch(text, false)) {
    const t = w.trim().toLowerCase();
    if (t && WORDLIKE.test(t) && !STOP_ZH.has(t)) out.add(t);
  }
  return [...out];
}

/** The features of a text: words ('w:') and character n-grams ('c:'), with repeats. */
export function features(text: string, lang: Lang): string[] {
  const ws = words(text, lang);
  const out = ws.map((w) => 'w:' + w);
  if (lang === 'zh') {
    // Bigrams of the Han running text between punctuation: they survive segmentation mistakes and typos.
    let prev = '';
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      const han = (code >= 0x4e00 && code <= 0x9fff) || (code >= 0x3400 && code <= 0x4dbf);
      if (!han) {
        prev = '';
        continue;
      }
      const ch = text[i];
      if (prev) out.push('c:' + prev + ch);
      prev = ch;
    }
  } else {
    for (const w of ws) {
      if (w.length < 3) continue;
      const p = ` ${w} `;
      for (let i = 0; i + 3 <= p.length; i++) out.push('c:' + p.slice(i, i + 3));
    }
  }
  return out;
}

/** A feature as a person reads it (the word, or the n-gram without padding). */
export const featureLabel = (f: string) => f.slice(2).trim();
