import { createStore } from './store.ts';

/** The appearance I chose; `system` follows the device. */
export type ThemeChoice = 'system' | 'light' | 'dark';

const KEY = 'parley.theme';
const CHOICES: readonly ThemeChoice[] = ['system', 'light', 'dark'];

export function readChoice(storage: Pick<Storage, 'getItem'> | null): ThemeChoice {
  const saved = storage?.getItem(KEY);
  return CHOICES.includes(saved as ThemeChoice) ? (saved as ThemeChoice) : 'system';
}

/** The theme to paint: the choice, or the device's preference for `system`. */
export function resolveTheme(choice: ThemeChoice, prefersDark: boolean): 'light' | 'dark' {
  return choice === 'system' ? (prefersDark ? 'dark' : 'light') : choice;
}

const storage = typeof localStorage === 'undefined' ? null : localStorage;
export const themeChoice = createStore<ThemeChoice>(readChoice(storage));

/** Paints the page in the chosen theme (and again whenever the choice or the device changes). */
export function applyTheme(root: HTMLElement = document.documentElement) {
  const media = window.matchMedia('(prefers-color-scheme: dark)');
  const paint = () => {
    const theme = resolveTheme(themeChoice.get(), media.matches);
    root.dataset.theme = theme;
    root.style.colorScheme = theme;
  };
  paint();
  media.addEventListener('change', paint);
  themeChoice.subscribe(paint);
}

export function chooseTheme(choice: ThemeChoice) {
  try {
    storage?.setItem(KEY, choice);
  } catch {
    // Not remembered; still applied for this page.
  }
  themeChoice.set(choice);
}
