import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config';
import { reverseSampleRate } from './dispatch';

describe('reverseSampleRate', () => {
  const configured = 0.01;

  it('replays 1% of the reads in mode new by default (SHADOW_REVERSE_SAMPLE_RATE)', () => {
    expect(reverseSampleRate({ sampleRate: 1 }, 'new', false, configured)).toBe(0.01);
  });

  it("never replays more reads in mode new than the route's sampleRate", () => {
    expect(reverseSampleRate({ sampleRate: 0 }, 'new', false, configured)).toBe(0);
    expect(reverseSampleRate({ sampleRate: 0.005 }, 'new', false, configured)).toBe(0.005);
  });

  it("takes the route's reverseSampleRate when it has one", () => {
    expect(reverseSampleRate({ sampleRate: 1, reverseSampleRate: 1 }, 'new', false, configured)).toBe(1);
    expect(reverseSampleRate({ sampleRate: 1, reverseSampleRate: 0 }, 'new', false, configured)).toBe(0);
  });

  it("keeps the route's sampleRate for dual-writes in mode new and for the module side of canary", () => {
    expect(reverseSampleRate({ sampleRate: 1 }, 'new', true, configured)).toBe(1);
    expect(reverseSampleRate({ sampleRate: 1 }, 'canary', false, configured)).toBe(1);
    expect(reverseSampleRate({ sampleRate: 0.5, reverseSampleRate: 0 }, 'canary', false, configured)).toBe(0.5);
  });

  it('defaults SHADOW_REVERSE_SAMPLE_RATE to 0.01', () => {
    expect(loadConfig({}).SHADOW_REVERSE_SAMPLE_RATE).toBe(0.01);
  });
});
