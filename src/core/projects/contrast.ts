/**
 * WCAG 2.2 contrast for the project's accent colour. The accent fills buttons and draws focus
 * rings and the selected tile's border on the Hub's light (#ffffff) and dark (#18181b) surfaces,
 * so it must stand out from both by 3:1 (SC 1.4.11, non-text contrast, level AA), and the label
 * on a filled button must reach 4.5:1 (SC 1.4.3, level AA) in white or near-black, whichever
 * reads better. One colour cannot reach 4.5:1 against both surfaces (no luminance lies between
 * the two bounds), which is why the text check is on the label, not on the surfaces.
 *
 * @see https://www.w3.org/TR/WCAG22/#dfn-contrast-ratio
 */

export const LIGHT_SURFACE = '#ffffff';
export const DARK_SURFACE = '#18181b';
/** The label colours a filled button may use. */
export const LIGHT_LABEL = '#ffffff';
export const DARK_LABEL = '#09090b';

const UI_MIN = 3;
const TEXT_MIN = 4.5;

/** Relative luminance of `#rrggbb` (WCAG's sRGB formula). */
export function luminance(hex: string): number {
  const channel = (i: number) => {
    const c = Number.parseInt(hex.slice(1 + 2 * i, 3 + 2 * i), 16) / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(0) + 0.7152 * channel(1) + 0.0722 * channel(2);
}

/** The contrast ratio of two `#rrggbb` colours, from 1 to 21. */
export function contrastRatio(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

/** The label colour with the better contrast on the accent. */
export function labelColorOn(accent: string): string {
  return contrastRatio(accent, LIGHT_LABEL) >= contrastRatio(accent, DARK_LABEL) ? LIGHT_LABEL : DARK_LABEL;
}

const shown = (r: number) => `${Math.floor(r * 100) / 100}:1`;

/** Why the accent cannot be used, in words an admin can act on; null when it passes. */
export function accentProblem(accent: string): string | null {
  const light = contrastRatio(accent, LIGHT_SURFACE);
  if (light < UI_MIN)
    return `accent_color ${accent} is too light for the light theme: its contrast with white is ${shown(light)}, WCAG AA needs ${UI_MIN}:1. Pick a darker shade.`;
  const dark = contrastRatio(accent, DARK_SURFACE);
  if (dark < UI_MIN)
    return `accent_color ${accent} is too dark for the dark theme: its contrast with ${DARK_SURFACE} is ${shown(dark)}, WCAG AA needs ${UI_MIN}:1. Pick a lighter shade.`;
  const label = contrastRatio(accent, labelColorOn(accent));
  if (label < TEXT_MIN)
    return `accent_color ${accent} leaves button text hard to read: the best label colour reaches ${shown(label)}, WCAG AA needs ${TEXT_MIN}:1. Pick a darker or a lighter shade.`;
  return null;
}
