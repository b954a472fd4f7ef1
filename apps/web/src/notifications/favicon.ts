/**
 * The favicon with the unread count on it: the app's icon drawn on a canvas, a red badge with
 * the number in its corner. The plain icon comes back at zero.
 */
import { useEffect } from 'react';

export const FAVICON = '/favicon.svg';
const SIZE = 64;

/** What the badge says: the count, "99+" beyond; nothing at zero. */
export function badgeLabel(count: number): string | null {
  if (count <= 0) return null;
  return count > 99 ? '99+' : String(count);
}

/** Paints the badge over the icon already drawn on `ctx` (a SIZE × SIZE canvas). */
export function paintBadge(ctx: CanvasRenderingContext2D, label: string): void {
  const radius = label.length > 2 ? 20 : 17;
  const cx = SIZE - radius;
  const cy = radius;
  ctx.beginPath();
  ctx.arc(cx, cy, radius, 0, Math.PI * 2);
  ctx.fillStyle = '#e11d48';
  ctx.fill();
  ctx.lineWidth = 4;
  ctx.strokeStyle = '#ffffff';
  ctx.stroke();
  ctx.fillStyle = '#ffffff';
  ctx.font = `bold ${label.length > 2 ? 18 : label.length > 1 ? 22 : 26}px system-ui, sans-serif`;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  ctx.fillText(label, cx, cy + 1);
}

let icon: Promise<HTMLImageElement> | null = null;
function loadIcon(): Promise<HTMLImageElement> {
  icon ??= new Promise((resolve, reject) => {
    const img = new Image();
    img.onload = () => resolve(img);
    img.onerror = reject;
    img.src = FAVICON;
  });
  return icon;
}

/** The favicon for `count` unread: a PNG data URL with the badge, or the plain icon. */
export async function faviconFor(count: number): Promise<string> {
  const label = badgeLabel(count);
  if (!label) return FAVICON;
  const canvas = document.createElement('canvas');
  canvas.width = SIZE;
  canvas.height = SIZE;
  const ctx = canvas.getContext('2d');
  if (!ctx) return FAVICON;
  ctx.drawImage(await loadIcon(), 0, 0, SIZE, SIZE);
  paintBadge(ctx, label);
  return canvas.toDataURL('image/png');
}

/** Keeps the page's favicon showing `count`. */
export function useFaviconBadge(count: number): void {
  useEffect(() => {
    let current = true;
    faviconFor(count)
      .then((href) => {
        if (!current) return;
        const link =
          document.querySelector<HTMLLinkElement>('link[rel="icon"]') ??
          document.head.appendChild(Object.assign(document.createElement('link'), { rel: 'icon' }));
        link.type = href === FAVICON ? 'image/svg+xml' : 'image/png';
        link.href = href;
        link.dataset.count = String(count);
      })
      .catch(() => undefined);
    return () => {
      current = false;
    };
  }, [count]);
}
