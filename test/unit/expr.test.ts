import { describe, expect, it } from 'vitest';
import {
  ExprError,
  FUNCTION_NAMES,
  compileExpr,
  dimensionOf,
  evaluateExpr,
  exprToString,
  freeVariables,
  parseExpr,
  type Expr,
  type FunctionName,
} from '../../src/expr/index.js';
import { DIMENSIONLESS, DIMENSIONS, describeDimension, makeDimension, type Dimension } from '../../src/units/index.js';

const catchErr = (f: () => unknown): ExprError => {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(ExprError);
    return e as ExprError;
  }
  throw new Error('expected an ExprError');
};

/** Structure without positions, as nested arrays, for comparisons. */
const shape = (e: Expr): unknown => {
  switch (e.kind) {
    case 'num':
      return e.value;
    case 'var':
      return e.name;
    case 'unary':
      return ['neg', shape(e.arg)];
    case 'binary':
      return [e.op, shape(e.left), shape(e.right)];
    case 'call':
      return [e.fn, ...e.args.map(shape)];
  }
};
const p = (t: string): unknown => shape(parseExpr(t));
const ev = (t: string, env: Record<string, number> = {}): number => evaluateExpr(parseExpr(t), env);

describe('parseExpr: precedence and associativity', () => {
  it('binary precedence', () => {
    expect(p('a + b * c')).toEqual(['+', 'a', ['*', 'b', 'c']]);
    expect(p('a * b + c')).toEqual(['+', ['*', 'a', 'b'], 'c']);
    expect(p('(a + b) * c')).toEqual(['*', ['+', 'a', 'b'], 'c']);
    expect(p('a * b ^ c')).toEqual(['*', 'a', ['^', 'b', 'c']]);
  });
  it('left associativity of - and /', () => {
    expect(p('a - b - c')).toEqual(['-', ['-', 'a', 'b'], 'c']);
    expect(p('a / b / c')).toEqual(['/', ['/', 'a', 'b'], 'c']);
    expect(p('a / b * c')).toEqual(['*', ['/', 'a', 'b'], 'c']);
    expect(ev('8 / 4 / 2')).toBe(1);
    expect(ev('10 - 4 - 3')).toBe(3);
  });
  it('right associativity of ^', () => {
    expect(p('a ^ b ^ c')).toEqual(['^', 'a', ['^', 'b', 'c']]);
    expect(ev('2^3^2')).toBe(512);
  });
  it('unary minus binds looser than ^', () => {
    expect(ev('-2^2')).toBe(-4);
    expect(ev('(-2)^2')).toBe(4);
    expect(ev('2^-1')).toBe(0.5);
    expect(ev('-2*3')).toBe(-6);
    expect(ev('3 - -2')).toBe(5);
    expect(ev('--2')).toBe(2);
    expect(ev('+2')).toBe(2);
    expect(p('-x^2')).toEqual(['neg', ['^', 'x', 2]]);
    expect(p('a*-b')).toEqual(['*', 'a', ['neg', 'b']]);
    expect(p('2^-x^2')).toEqual(['^', 2, ['neg', ['^', 'x', 2]]]);
  });
  it('numbers in JS float syntax', () => {
    expect(p('1e5')).toBe(1e5);
    expect(p('1.5E-3')).toBe(1.5e-3);
    expect(p('.5')).toBe(0.5);
    expect(p('5.')).toBe(5);
    expect(p('2e+3')).toBe(2000);
  });
  it('positions are 0-based offsets', () => {
    const e = parseExpr('k_phago * calreticulin / (calreticulin + CD47 * K)');
    expect(e.kind).toBe('binary');
    if (e.kind !== 'binary') return;
    expect(e.op).toBe('/');
    expect(e.pos).toBe(23);
    expect(e.left.pos).toBe(8);
    expect(e.right.pos).toBe(39);
    const c = parseExpr('  hill(x, 2, 3)');
    expect(c.pos).toBe(2);
  });
  it('model-style examples', () => {
    expect(ev('k_phago * calreticulin / (calreticulin + CD47 * K)', { k_phago: 2, calreticulin: 3, CD47: 1, K: 3 })).toBe(1);
    expect(ev('M2 / (M1 + M2)', { M1: 1, M2: 3 })).toBe(0.75);
    expect(ev('min(1, x)', { x: 5 })).toBe(1);
    expect(ev('hill(x, 2, 3)', { x: 2 })).toBe(0.5);
    expect(ev('hill(x, 2, 3)', { x: 0 })).toBe(0);
    expect(ev('hill(x, 2, 3)', { x: -1 })).toBe(0);
    expect(ev('hill(4, 2, 2)')).toBeCloseTo(16 / 20, 15);
    expect(ev('max(1, 7, 3)')).toBe(7);
    expect(ev('min(4, 7, 3, 5)')).toBe(3);
    expect(ev('pow(2, 10) + log(exp(1)) + log10(1000) + sqrt(16) + abs(-2) + floor(1.5) + ceil(1.5)')).toBe(1024 + 1 + 3 + 4 + 2 + 1 + 2);
  });
});

describe('parseExpr: errors', () => {
  const cases: Array<[string, string, number]> = [
    ['', 'empty expression', 0],
    ['   ', 'empty expression', 0],
    ['(a + b))', "unexpected ')' at column 8", 7],
    ['a + )', "unexpected ')' at column 5", 4],
    ['a +', 'unexpected end of expression at column 4', 3],
    ['a b', "unexpected 'b' at column 3", 2],
    ['2x', "unexpected 'x' at column 2", 1],
    ['(a + b', "missing ')' for '(' at column 1", 0],
    ['f(a', "unknown function 'f' (known: exp, log, log10, sqrt, abs, min, max, pow, floor, ceil, hill)", 0],
    ['min(a', "missing ')' for '(' at column 4", 3],
    ['min(a,)', "unexpected ')' at column 7", 6],
    ['min(a b)', "unexpected 'b' at column 7", 6],
    ['x; y', "unexpected character ';' at column 2", 1],
    ['a == b', "unexpected '=' at column 3".replace("'='", "character '='"), 2],
    ['hil(x, 1, 2)', "unknown function 'hil' (known: exp, log, log10, sqrt, abs, min, max, pow, floor, ceil, hill)", 0],
    ['min(1)', "'min' takes at least 2 arguments, got 1", 0],
    ['1 + max()', "'max' takes at least 2 arguments, got 0", 4],
    ['exp(1, 2)', "'exp' takes 1 argument, got 2", 0],
    ['hill(x, 2)', "'hill' takes 3 arguments, got 2", 0],
    ['pow(x)', "'pow' takes 2 arguments, got 1", 0],
    ['1e999', "number '1e999' at column 1 is too large", 0],
    ['* 2', "unexpected '*' at column 1", 0],
  ];
  for (const [text, message, pos] of cases) {
    it(JSON.stringify(text), () => {
      const e = catchErr(() => parseExpr(text));
      expect(e.message).toBe(message);
      expect(e.pos).toBe(pos);
    });
  }
  it('hints', () => {
    expect(catchErr(() => parseExpr('hil(x, 1, 2)')).hint).toBe("did you mean 'hill'?");
    expect(catchErr(() => parseExpr('a b')).hint).toBe('expected an operator (+ - * / ^) or the end of the expression');
    expect(catchErr(() => parseExpr('min(1)')).hint).toBe('usage: min(a, b, ...)');
  });
});

describe('injection safety', () => {
  it('never executes text', () => {
    expect(catchErr(() => parseExpr('process.exit(1)')).message).toBe("unexpected character '.' at column 8");
    expect(catchErr(() => parseExpr('x; y')).message).toBe("unexpected character ';' at column 2");
    expect(catchErr(() => parseExpr('constructor(1)')).message).toMatch(/^unknown function 'constructor'/);
    expect(catchErr(() => parseExpr('__proto__(1)')).message).toMatch(/^unknown function '__proto__'/);
    expect(catchErr(() => parseExpr('toString(1)')).message).toMatch(/^unknown function 'toString'/);
    expect(catchErr(() => parseExpr('`x`')).message).toBe("unexpected character '`' at column 1");
    expect(catchErr(() => parseExpr('a["b"]')).message).toBe("unexpected character '[' at column 2");
  });
  it('treats constructor, __proto__ as plain variables', () => {
    for (const name of ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf']) {
      const e = parseExpr(`${name} + 1`);
      expect(freeVariables(e)).toEqual([name]);
      expect(catchErr(() => evaluateExpr(e, {})).message).toMatch(new RegExp(`^unknown variable '${name}'`));
      expect(catchErr(() => compileExpr(e, ['x'])).message).toMatch(new RegExp(`^unknown variable '${name}'`));
      expect(compileExpr(e, ['x', name])(new Float64Array([0, 41]))).toBe(42);
      const env: Record<string, number> = {};
      Object.defineProperty(env, name, { value: 2, enumerable: true });
      expect(evaluateExpr(e, env)).toBe(3);
    }
  });
  it('ignores non-number env values', () => {
    expect(catchErr(() => evaluateExpr(parseExpr('x'), { x: 'alert(1)' as unknown as number })).message).toBe("unknown variable 'x'");
  });
});

describe('freeVariables', () => {
  it('sorted and unique', () => {
    expect(freeVariables(parseExpr('b * a + hill(c, a, 2) - b'))).toEqual(['a', 'b', 'c']);
    expect(freeVariables(parseExpr('2 + 3'))).toEqual([]);
  });
});

describe('compileExpr', () => {
  it('reads variables by index', () => {
    const f = compileExpr(parseExpr('M2 / (M1 + M2)'), ['M1', 'M2']);
    expect(f(new Float64Array([1, 3]))).toBe(0.75);
    expect(f(new Float64Array([3, 1]))).toBe(0.25);
  });
  it('rejects unknown variables with a suggestion', () => {
    const e = catchErr(() => compileExpr(parseExpr('k * calretculin'), ['k', 'calreticulin', 'CD47']));
    expect(e.message).toBe("unknown variable 'calretculin'; did you mean 'calreticulin'?");
    expect(e.pos).toBe(4);
    expect(catchErr(() => compileExpr(parseExpr('zzz'), ['a'])).message).toBe("unknown variable 'zzz'");
  });
  it('agrees with evaluateExpr', () => {
    const texts = [
      'k_phago * calreticulin / (calreticulin + CD47 * K)',
      'hill(a, b, 2) + min(a, b, K) - max(a, 1)',
      '-a^2 + a^-1 + (a*b)^0.5 - pow(b, 3)',
      'exp(-a / K) * log(b + 1) + log10(K) + sqrt(b) + abs(a - b) + floor(a) + ceil(b)',
      '1 + 2 * 3 - a / 4',
      'a^2 + a^3',
    ];
    const names = ['a', 'b', 'K', 'k_phago', 'calreticulin', 'CD47'];
    let seed = 1;
    const rnd = (): number => ((seed = (seed * 16807) % 2147483647) / 2147483647) * 10 - 2;
    for (const t of texts) {
      const e = parseExpr(t);
      const f = compileExpr(e, names);
      for (let i = 0; i < 50; i++) {
        const vals = names.map(() => rnd());
        const env = Object.fromEntries(names.map((n, k) => [n, vals[k]]));
        const a = f(Float64Array.from(vals));
        const b = evaluateExpr(e, env);
        if (Number.isNaN(b)) expect(a).toBeNaN();
        else expect(a).toBeCloseTo(b, 12);
      }
    }
  });
  it('is fast enough', () => {
    const f = compileExpr(parseExpr('k * x / (x + K * y) + hill(x, K, 2)'), ['k', 'x', 'K', 'y']);
    const v = new Float64Array([1, 2, 3, 4]);
    let s = 0;
    const t0 = performance.now();
    for (let i = 0; i < 1_000_000; i++) {
      v[1] = i;
      s += f(v);
    }
    expect(Number.isFinite(s)).toBe(true);
    expect(performance.now() - t0).toBeLessThan(2000);
  });
});

describe('exprToString', () => {
  it('minimal parentheses', () => {
    const cases: Array<[string, string]> = [
      ['a + (b * c)', 'a + b * c'],
      ['(a + b) * c', '(a + b) * c'],
      ['a - (b - c)', 'a - (b - c)'],
      ['(a - b) - c', 'a - b - c'],
      ['a + (b + c)', 'a + (b + c)'],
      ['a / (b * c)', 'a / (b * c)'],
      ['(a ^ b) ^ c', '(a^b)^c'],
      ['a ^ (b ^ c)', 'a^b^c'],
      ['-(a ^ 2)', '-a^2'],
      ['(-a) ^ 2', '(-a)^2'],
      ['-(a + b)', '-(a + b)'],
      ['a * (-b)', 'a * -b'],
      ['2 ^ (-x)', '2^-x'],
      ['2 ^ (x + 1)', '2^(x + 1)'],
      ['hill( x,2 ,3)', 'hill(x, 2, 3)'],
      ['1e-7 * x', '1e-7 * x'],
      ['-(-x)', '--x'],
    ];
    for (const [input, out] of cases) expect(exprToString(parseExpr(input)), input).toBe(out);
  });

  it('fuzz: random ASTs round-trip', () => {
    let seed = 12345;
    const rnd = (): number => (seed = (seed * 16807) % 2147483647) / 2147483647;
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
    const arity: Record<FunctionName, [number, number]> = {
      exp: [1, 1], log: [1, 1], log10: [1, 1], sqrt: [1, 1], abs: [1, 1], floor: [1, 1], ceil: [1, 1],
      min: [2, 4], max: [2, 4], pow: [2, 2], hill: [3, 3],
    };
    const gen = (depth: number): Expr => {
      const r = rnd();
      if (depth <= 0 || r < 0.2) {
        if (rnd() < 0.5) {
          const v = pick([0, 1, 2, 0.5, 1e-7, 6e9, 1.5e21, Math.floor(rnd() * 1000), rnd() * 10]);
          return { kind: 'num', value: v, pos: 0 };
        }
        return { kind: 'var', name: pick(['x', 'y', 'k_on', 'CD47', '_a1']), pos: 0 };
      }
      if (r < 0.35) return { kind: 'unary', op: '-', arg: gen(depth - 1), pos: 0 };
      if (r < 0.85) {
        return { kind: 'binary', op: pick(['+', '-', '*', '/', '^'] as const), left: gen(depth - 1), right: gen(depth - 1), pos: 0 };
      }
      const fn = pick(FUNCTION_NAMES);
      const [lo, hi] = arity[fn];
      const n = lo + Math.floor(rnd() * (hi - lo + 1));
      return { kind: 'call', fn, args: Array.from({ length: n }, () => gen(depth - 1)), pos: 0 };
    };
    const env = { x: 0.7, y: 1.3, k_on: 2.1, CD47: 0.4, _a1: 3 };
    for (let i = 0; i < 2000; i++) {
      const e = gen(1 + (i % 6));
      const text = exprToString(e);
      const back = parseExpr(text);
      expect(shape(back), text).toEqual(shape(e));
      expect(exprToString(back)).toBe(text);
      const a = evaluateExpr(e, env);
      const b = evaluateExpr(back, env);
      expect(Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b)), text).toBe(true);
    }
  });

  it('rejects non-finite literals', () => {
    expect(catchErr(() => exprToString({ kind: 'num', value: Infinity, pos: 3 })).message).toBe('cannot print the non-finite number Infinity');
  });
});

describe('dimensionOf', () => {
  const D: Record<string, Dimension> = {
    t: DIMENSIONS.time,
    k: DIMENSIONS.rate,
    D: DIMENSIONS.diffusion,
    L: DIMENSIONS.length,
    c: DIMENSIONS.massConcentration,
    K: DIMENSIONS.massConcentration,
    n: DIMENSIONLESS,
    M1: DIMENSIONS.cells,
    M2: DIMENSIONS.cells,
    A: DIMENSIONS.area,
  };
  const dimOf = (t: string): string => describeDimension(dimensionOf(parseExpr(t), (name) => D[name]));
  const err = (t: string): ExprError => catchErr(() => dimensionOf(parseExpr(t), (name) => D[name]));

  it('products, quotients, sums', () => {
    expect(dimOf('k * t')).toBe('dimensionless');
    expect(dimOf('D / L^2')).toBe('1/time');
    expect(dimOf('M2 / (M1 + M2)')).toBe('dimensionless');
    expect(dimOf('k * c / (c + K)')).toBe('1/time');
    expect(dimOf('c * k')).toBe('mass/(volume*time)');
    expect(dimOf('-t + 2 * t')).toBe('time');
    expect(dimOf('min(c, K)')).toBe('mass/volume');
    expect(dimOf('max(t, t, t)')).toBe('time');
    expect(dimOf('abs(t) + floor(t)')).toBe('time');
    expect(dimensionOf(parseExpr('L^3'), (n) => D[n])).toEqual(DIMENSIONS.volume);
    expect(dimensionOf(parseExpr('1 / t'), (n) => D[n])).toEqual(makeDimension({ time: -1 }));
  });
  it('powers', () => {
    expect(dimOf('L^2')).toBe('length^2');
    expect(dimOf('t^-1')).toBe('1/time');
    expect(dimOf('A^0.5')).toBe('length');
    expect(dimOf('A^(1/2)')).toBe('length');
    expect(dimOf('pow(L, 3)')).toBe('volume');
    expect(dimOf('n^n')).toBe('dimensionless');
    expect(dimOf('(c/K)^n')).toBe('dimensionless');
    expect(dimOf('sqrt(A)')).toBe('length');
    expect(err('L^0.5').message).toBe('(length)^0.5 does not have integer exponents');
    expect(err('L^n').message).toBe("the exponent of a power of length must be a number, got 'n'");
    expect(err('n^t').message).toBe('the exponent of a power needs a dimensionless argument, got time');
    expect(err('sqrt(L)').message).toBe("'sqrt' needs even exponents, got length");
  });
  it('functions', () => {
    expect(dimOf('exp(-k * t)')).toBe('dimensionless');
    expect(dimOf('log(c / K)')).toBe('dimensionless');
    expect(dimOf('hill(c, K, n)')).toBe('dimensionless');
    expect(dimOf('hill(c, K, 2)')).toBe('dimensionless');
    expect(err('exp(t)').message).toBe("'exp' needs a dimensionless argument, got time");
    expect(err('log10(c)').message).toBe("'log10' needs a dimensionless argument, got mass/volume");
    expect(err('hill(c, t, 2)').message).toBe("'hill' needs operands of the same dimension, got mass/volume and time");
    expect(err('hill(c, K, t)').message).toBe("the Hill coefficient of 'hill' needs a dimensionless argument, got time");
  });
  it('mismatches name both dimensions', () => {
    const e = err('t + c');
    expect(e.message).toBe("'+' needs operands of the same dimension, got time and mass/volume");
    expect(e.pos).toBe(2);
    expect(err('D - k').message).toBe("'-' needs operands of the same dimension, got length^2/time and 1/time");
    expect(err('min(t, k)').message).toBe("'min' needs operands of the same dimension, got time and 1/time");
    expect(err('t + 1').message).toBe("'+' needs operands of the same dimension, got time and dimensionless");
    expect(err('t * zz').message).toBe("no dimension known for variable 'zz'");
  });
});
