/** What the e2e suites check every screen's looks with: four looks, and axe-core on each. */
import { AxeBuilder } from '@axe-core/playwright';
import { DESKTOP, PHONE, type Page, type Viewport } from './harness.ts';

/** Desktop and a 375 px phone, light and dark: `it.each(LOOKS)` names each `%s`. */
export const LOOKS: [string, Viewport, 'light' | 'dark'][] = [
  ['desktop-light', DESKTOP, 'light'],
  ['desktop-dark', DESKTOP, 'dark'],
  ['phone-light', PHONE, 'light'],
  ['phone-dark', PHONE, 'dark'],
];

/**
 * Serious and critical WCAG 2.1 AA (and best-practice) violations on the page as it is now, one
 * line each: `screen: rule: the first three elements`. An empty list is a pass.
 */
export async function seriousViolations(page: Page, screen: string): Promise<string[]> {
  // Let entry animations finish: a half-faded element is not what anyone reads.
  await page.waitForTimeout(250);
  const result = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'])
    // Details for violations only: the passes are not read, and computing them is most of the time.
    .options({ resultTypes: ['violations'] })
    .analyze();
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) =>
        `${screen}: ${v.id}: ${v.nodes
          .slice(0, 3)
          .map((n) => n.target.join(' '))
          .join(', ')}`,
    );
}
