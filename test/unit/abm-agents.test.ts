/**
 * The structure-of-arrays agent store: stable ids under swap-remove, id order, growth, permutation.
 */
import { describe, expect, it } from 'vitest';
import { AgentStore, APOPTOTIC, LIVE, sphereRadius } from '../../src/engines/abm/agents.js';

describe('AgentStore', () => {
  it('assigns ids in creation order and keeps them through swap-removes', () => {
    const s = new AgentStore(2, 1, 2);
    for (let i = 0; i < 10; i++) s.add(i % 3, i, 10 * i, 0, 1000 + i);
    expect(s.n).toBe(10);
    expect(s.capacity).toBeGreaterThanOrEqual(10);
    s.behaviour[3 * 2 + 1] = 42;
    s.remove(s.indexOf(0)); // the last agent (id 9) moves into index 0
    expect(s.indexOf(0)).toBe(-1);
    expect(s.has(0)).toBe(false);
    expect(s.indexOf(9)).toBe(0);
    expect(s.x[0]).toBe(9);
    expect(s.volume[0]).toBe(1009);
    expect(s.radius[0]).toBeCloseTo(sphereRadius(1009), 12);
    s.remove(s.indexOf(5));
    s.remove(s.indexOf(9));
    // every remaining id maps to an index holding that id, with its own data
    for (const id of [1, 2, 3, 4, 6, 7, 8]) {
      const a = s.indexOf(id);
      expect(s.id[a]).toBe(id);
      expect(s.x[a]).toBe(id);
      expect(s.type[a]).toBe(id % 3);
    }
    expect(s.behaviour[s.indexOf(3) * 2 + 1]).toBe(42);
    expect(Array.from(s.idOrder(), (a) => s.id[a])).toEqual([1, 2, 3, 4, 6, 7, 8]);
    // new agents get new ids, never reused ones
    const a = s.add(0, 0, 0, 0, 1);
    expect(s.id[a]).toBe(10);
    expect(Array.from(s.idOrder(), (k) => s.id[k])).toEqual([1, 2, 3, 4, 6, 7, 8, 10]);
    expect(s.state[a]).toBe(LIVE);
    expect(s.fresh[a]).toBe(1);
  });

  it('grows from a small capacity keeping every value', () => {
    const s = new AgentStore(3, 2, 1);
    for (let i = 0; i < 1000; i++) {
      const a = s.add(1, i, -i, i / 2, 500);
      s.behaviour[a * 3 + 2] = i;
      s.srcU[a * 2 + 1] = 2 * i;
    }
    for (let i = 0; i < 1000; i += 97) {
      const a = s.indexOf(i);
      expect([s.x[a], s.y[a], s.z[a], s.behaviour[a * 3 + 2], s.srcU[a * 2 + 1]]).toEqual([i, -i, i / 2, i, 2 * i]);
    }
  });

  it('permute reorders the storage but keeps ids, data and the id order', () => {
    const s = new AgentStore(1, 1, 4);
    for (let i = 0; i < 6; i++) {
      const a = s.add(i, i, 0, 0, 100 * (i + 1));
      s.behaviour[a] = -i;
    }
    s.state[2] = APOPTOTIC;
    s.permute([5, 3, 1, 0, 4, 2]);
    expect(Array.from(s.id.subarray(0, 6))).toEqual([5, 3, 1, 0, 4, 2]);
    for (let id = 0; id < 6; id++) {
      const a = s.indexOf(id);
      expect([s.x[a], s.volume[a], s.behaviour[a], s.type[a]]).toEqual([id, 100 * (id + 1), -id, id]);
    }
    expect(s.state[s.indexOf(2)]).toBe(APOPTOTIC);
    expect(Array.from(s.idOrder(), (a) => s.id[a])).toEqual([0, 1, 2, 3, 4, 5]);
    expect(() => s.permute([0, 0, 1, 2, 3, 4])).toThrow(/permutation/);
  });

  it('rejects removing an index that is not present', () => {
    const s = new AgentStore(0, 0);
    expect(() => s.remove(0)).toThrow(RangeError);
  });
});
