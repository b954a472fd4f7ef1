import { Picker } from 'emoji-picker-element';
import type { EmojiClickEvent } from 'emoji-picker-element/shared';
import dataSource from 'emoji-picker-element-data/en/emojibase/data.json?url';
import { useEffect, useRef } from 'react';

/**
 * emoji-picker-element (search, categories, skin tones, recently used), in the page's theme.
 * Its emoji data is one of the app's own files, fetched the first time a picker opens and then
 * kept by the browser (IndexedDB): no request leaves the server's origin.
 */
export function EmojiPicker({ onPick }: { onPick: (emoji: string) => void }) {
  const host = useRef<HTMLDivElement>(null);
  const pick = useRef(onPick);
  useEffect(() => {
    pick.current = onPick;
  });
  useEffect(() => {
    const picker = new Picker({ dataSource, locale: 'en' });
    picker.classList.add(document.documentElement.dataset.theme === 'dark' ? 'dark' : 'light');
    picker.dataset.testid = 'emoji-picker';
    const onClick = (event: EmojiClickEvent) => {
      if (event.detail.unicode) pick.current(event.detail.unicode);
    };
    picker.addEventListener('emoji-click', onClick);
    host.current?.append(picker);
    return () => picker.remove();
  }, []);
  return <div ref={host} className="[&>emoji-picker]:w-full [&>emoji-picker]:max-w-full" />;
}
