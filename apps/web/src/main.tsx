/**
 * The entry, kept tiny: it paints the theme, then fetches React with the app and, when this
 * browser has a session to resume, the chat at the same time (not after the app has loaded).
 */
import { hasSharedSession } from './auth/shared-session.ts';
import { applyTheme } from './lib/theme.ts';
import './index.css';

applyTheme();
if (hasSharedSession()) void import('./app/SignedIn.tsx');
void import('./root.tsx').then(({ mount }) => mount(document.getElementById('root')!));
