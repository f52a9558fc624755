import { describe, expect, it } from 'vitest';
import { accentProblem, contrastRatio, labelColorOn, luminance } from './contrast.js';

describe('accent colour contrast', () => {
  it('computes WCAG ratios', () => {
    expect(contrastRatio('#000000', '#ffffff')).toBeCloseTo(21, 5);
    expect(contrastRatio('#ffffff', '#ffffff')).toBe(1);
    // WCAG's reference: #777777 on white is 4.48:1.
    expect(contrastRatio('#777777', '#ffffff')).toBeCloseTo(4.48, 2);
    expect(luminance('#ff0000')).toBeCloseTo(0.2126, 4);
  });

  it('accepts mid-tone accents and picks the readable label', () => {
    expect(accentProblem('#2563eb')).toBeNull();
    expect(labelColorOn('#2563eb')).toBe('#ffffff');
    expect(accentProblem('#e11d48')).toBeNull();
  });

  it('refuses a colour too light on white, saying what to do', () => {
    expect(accentProblem('#fde047')).toMatch(
      /too light for the light theme.*contrast with white is 1\.\d+:1.*Pick a darker shade/,
    );
  });

  it('refuses a colour too dark for the dark theme', () => {
    expect(accentProblem('#1e1b4b')).toMatch(/too dark for the dark theme.*Pick a lighter shade/);
  });
});
