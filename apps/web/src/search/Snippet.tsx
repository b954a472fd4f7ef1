/** A piece of a search snippet: plain text, or a word that matches the search. */
export interface SnippetSegment {
  text: string;
  match: boolean;
}

/**
 * A search result's snippet with the matching words marked. Every piece is rendered as text
 * (React escapes it): a message can never inject markup into the results.
 */
export function Snippet({ segments }: { segments: readonly SnippetSegment[] }) {
  return (
    <>
      {segments.map((s, i) =>
        s.match ? (
          <mark
            key={i}
            data-testid="search-match"
            className="rounded-sm bg-amber-200 px-0.5 text-slate-950 dark:bg-amber-400/80"
          >
            {s.text}
          </mark>
        ) : (
          <span key={i}>{s.text}</span>
        ),
      )}
    </>
  );
}
