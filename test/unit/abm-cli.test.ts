/**
 * `nichesim run MODEL --engine abm [--dims 2|3]` as a user runs it (through tsx): the mean-field
 * engine's timeseries columns, the spatial outputs (Arrow snapshots, PNG frames, the animation
 * embedded in the report), the manifest of an agent-based run, and the option checks.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const cli = (...args: string[]) => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'cli/main.ts', ...args], { encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
};

const MODEL = `nichesim: 1
name: tiny_niche
niche: {volume: 8e5 um^3}
simulation: {t_end: 2 h, output_interval: 1 h}
spatial: {dims: 2, size: [200 um, 200 um, 20 um], voxel_size: 20 um, dt_diffusion: 0.1 min, dt_mechanics: 0.1 min, dt_phenotype: 6 min, snapshot_interval: 1 h}
substrates:
  S: {unit: ng/mL, diffusion_coefficient: 1000 um^2/min, decay_rate: 0.01 1/min}
cell_types:
  A: {initial_number: 30, volume: 1000 um^3, cycle_entry: 0.5 1/day, secretion: {S: {secretion_rate: 0.1 1/min, secretion_target: 1}},
      motility: {migration_speed: 1 um/min, persistence_time: 5 min}}
  B: {initial_number: 10, volume: 1500 um^3, phagocytosis: {live: {A: 0.01 1/min}}}
`;

describe('nichesim run --engine abm', () => {
  const dir = mkdtempSync(join(tmpdir(), 'nichesim-abm-'));
  const model = join(dir, 'tiny.yaml');
  writeFileSync(model, MODEL);

  it('writes the timeseries, the snapshots, frames and animation, and a report with the animation (2D)', () => {
    const out = join(dir, 'out2');
    const r = cli('run', model, '--engine', 'abm', '--out', out, '--seed', '4');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/finished in \d+ ms \(agent-based, 2D\)/);
    expect(r.out).toMatch(/wrote 6 Arrow snapshot files in .* and 3 PNG frames/);
    const lines = readFileSync(join(out, 'timeseries.csv'), 'utf8').trim().split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[0].split(',')).toEqual(['time (day)', 'A (cells)', 'B (cells)', 'A (dead) (cells)', 'B (dead) (cells)', 'S (ng/mL)']);
    expect(lines[1].split(',').slice(1, 3)).toEqual(['30', '10']);
    const snaps = readdirSync(join(out, 'snapshots')).sort();
    expect(snaps).toHaveLength(6);
    expect(snaps.filter((f) => /^agents_0*(0|60|120)\.arrow$/.test(f))).toHaveLength(3);
    expect(snaps.filter((f) => /^substrates_0*(0|60|120)\.arrow$/.test(f))).toHaveLength(3);
    expect(readdirSync(join(out, 'frames'))).toHaveLength(3);
    expect(existsSync(join(out, 'animation.gif'))).toBe(true);
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    expect(manifest.engine).toBe('abm');
    expect(manifest.seed).toBe(4);
    expect(manifest.engineSettings).toMatchObject({ dims: 2, size: [200, 200, 20], dtDiffusion: 0.1, dtMechanics: 0.1, dtPhenotype: 6 });
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toContain('data:image/gif;base64,');
  });

  it('--dims 3 runs the 2D model in a cube with the smaller of its x and y extents as z', () => {
    const out = join(dir, 'out3');
    const r = cli('run', model, '--engine', 'abm', '--dims', '3', '--t-end', '1h', '--out', out, '--quiet');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    expect(manifest.engineSettings).toMatchObject({ dims: 3, size: [200, 200, 200] });
  });

  it('rejects --dims without --engine abm, bad dimensions and unknown engines', () => {
    const a = cli('run', model, '--dims', '3', '--out', join(dir, 'x'));
    expect(a.code).toBe(1);
    expect(a.err).toMatch(/--dims applies to the agent-based engine: add --engine abm/);
    const b = cli('run', model, '--engine', 'abm', '--dims', '4', '--out', join(dir, 'x'));
    expect(b.code).not.toBe(0);
    expect(b.err).toMatch(/expected 2 or 3, got '4'/);
    const c = cli('run', model, '--engine', 'pde', '--out', join(dir, 'x'));
    expect(c.code).toBe(1);
    expect(c.err).toMatch(/expected ode \(mean-field\) or abm/);
  });
});
