// Caller data shown to roles that may not read it in clear.
import { describe, expect, it } from 'vitest';
import { maskName, maskPhone } from '../../../server/auth/mask.ts';

describe('masking', () => {
  it('keeps the first character of a name and stars the rest (at most six stars)', () => {
    expect(maskName('张三')).toBe('张*');
    expect(maskName('欧阳娜娜')).toBe('欧***');
    expect(maskName('王')).toBe('王*');
    expect(maskName('  李四  ')).toBe('李*');
    expect(maskName('Li Wei')).toBe('L*****');
    expect(maskName('Alexandria Ocasio')).toBe('A******');
    expect(maskName('   ')).toBe('');
    expect(maskName(null)).toBeNull();
    expect(maskName('')).toBe('');
  });

  it('keeps the first three and last four digits of a mobile number', () => {
    expect(maskPhone('13812345678')).toBe('138****5678');
    expect(maskPhone('138-1234-5678')).toBe('138****5678');
    expect(maskPhone('+86 138 1234 5678')).toBe('861****5678');
    expect(maskPhone('010-6512345')).toBe('01***45');
    expect(maskPhone('1234567')).toBe('12***67');
    expect(maskPhone('12345')).toBe('*****');
    expect(maskPhone('12')).toBe('***');
    expect(maskPhone(null)).toBeNull();
  });
});
