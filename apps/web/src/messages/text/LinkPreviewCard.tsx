import { useEffect, useRef, useState } from 'react';
import { trpc } from '../../lib/trpc.ts';
import { safeHref } from '@parley/api/protocol';

/** Whether the element has come near the screen once (always, where that cannot be known). */
function useSeen<E extends Element>() {
  const ref = useRef<E>(null);
  const [seen, setSeen] = useState(typeof IntersectionObserver === 'undefined');
  useEffect(() => {
    const element = ref.current;
    if (seen || !element) return;
    const observer = new IntersectionObserver(
      (entries) => {
        if (entries.some((e) => e.isIntersecting)) setSeen(true);
      },
      { rootMargin: '200px' },
    );
    observer.observe(element);
    return () => observer.disconnect();
  }, [seen]);
  return [ref, seen] as const;
}

/**
 * The preview of a message's link (title, description, picture, site), fetched by the server when
 * the message comes into view; nothing at all when the page has none.
 */
export function LinkPreviewCard({ url, mine }: { url: string; mine: boolean }) {
  const [ref, seen] = useSeen<HTMLDivElement>();
  const preview = trpc.linkPreviews.get.useQuery(
    { url },
    { enabled: seen, retry: false, staleTime: Infinity },
  );
  const data = preview.data;
  const href = data ? safeHref(data.url) : null;
  // A line of its own under the bubble (the message's row wraps); empty, it takes no room.
  if (!data || !href) return <div ref={ref} aria-hidden="true" className="-mt-1 basis-full" />;
  const host = new URL(href).hostname.replace(/^www\./, '');
  return (
    <div ref={ref} className={`flex basis-full ${mine ? 'justify-end' : 'justify-start'}`}>
      <a
        href={href}
        target="_blank"
        rel="noopener noreferrer"
        data-testid="link-preview"
        className="block w-72 max-w-[85%] overflow-hidden rounded-xl sm:max-w-[70%] bg-white text-slate-900 shadow-sm ring-1 ring-slate-200 hover:bg-slate-50 dark:bg-slate-800 dark:text-slate-100 dark:ring-slate-700 dark:hover:bg-slate-700"
      >
        {data.image ? (
          <img
            src={data.image.url}
            width={data.image.width}
            height={data.image.height}
            alt=""
            loading="lazy"
            className="max-h-44 w-full bg-slate-100 object-cover dark:bg-slate-900"
          />
        ) : null}
        <span className="block px-3 py-2">
          <span className="block truncate text-xs text-slate-600 dark:text-slate-400">
            {data.siteName ?? host}
          </span>
          <span className="line-clamp-2 block text-sm font-semibold">{data.title}</span>
          {data.description ? (
            <span className="mt-0.5 line-clamp-2 block text-[13px] text-slate-700 dark:text-slate-300">
              {data.description}
            </span>
          ) : null}
        </span>
      </a>
    </div>
  );
}
