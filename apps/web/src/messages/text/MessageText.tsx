import { Fragment, useMemo, type ReactNode } from 'react';
import { splitMentions } from '../mentions.ts';
import { emojiOnlyCount } from './emoji.ts';
import { firstLink, parseBlocks, type Block, type Inline } from '@parley/api/protocol';

/** What a message's text is made of: its blocks, the link to preview, how many emoji it is alone. */
export function useMessageText(text: string) {
  return useMemo(() => {
    const blocks = parseBlocks(text);
    return { blocks, link: firstLink(blocks), emoji: emojiOnlyCount(text) };
  }, [text]);
}

interface Look {
  mentioned: ReadonlySet<string>;
  myUsername: string | null;
  mine: boolean;
}

function Mentions({ text, look }: { text: string; look: Look }) {
  if (!look.mentioned.size) return text;
  return splitMentions(text, look.mentioned).map((part, i) =>
    part.mention ? (
      <span
        key={i}
        data-testid="mention"
        data-me={part.mention === look.myUsername ? 'true' : undefined}
        className={`rounded px-0.5 font-semibold ${
          look.mine
            ? 'underline decoration-2 underline-offset-2'
            : part.mention === look.myUsername
              ? 'bg-amber-200 text-amber-950 dark:bg-amber-400/30 dark:text-amber-50'
              : 'text-indigo-700 dark:text-indigo-300'
        }`}
      >
        {part.text}
      </span>
    ) : (
      <Fragment key={i}>{part.text}</Fragment>
    ),
  );
}

function Inlines({ nodes, look }: { nodes: readonly Inline[]; look: Look }): ReactNode {
  return nodes.map((node, i) => {
    switch (node.type) {
      case 'text':
        return <Mentions key={i} text={node.text} look={look} />;
      case 'bold':
        return (
          <strong key={i} className="font-semibold">
            <Inlines nodes={node.children} look={look} />
          </strong>
        );
      case 'italic':
        return (
          <em key={i}>
            <Inlines nodes={node.children} look={look} />
          </em>
        );
      case 'strike':
        return (
          <s key={i}>
            <Inlines nodes={node.children} look={look} />
          </s>
        );
      case 'code':
        return (
          <code
            key={i}
            className="rounded bg-black/10 px-1 font-mono text-[0.9em] dark:bg-white/10"
          >
            {node.text}
          </code>
        );
      case 'link':
        return (
          <a
            key={i}
            href={node.href}
            target="_blank"
            rel="noopener noreferrer"
            className={`break-all underline underline-offset-2 ${look.mine ? '' : 'text-indigo-700 dark:text-indigo-300'}`}
          >
            {node.text}
          </a>
        );
    }
  });
}

function Blocks({ blocks, look }: { blocks: readonly Block[]; look: Look }): ReactNode {
  return blocks.map((block, i) => {
    switch (block.type) {
      case 'paragraph':
        return (
          <p key={i} className="whitespace-pre-wrap">
            <Inlines nodes={block.children} look={look} />
          </p>
        );
      case 'code':
        return (
          <pre
            key={i}
            className="my-1 overflow-x-auto rounded-lg bg-black/10 p-2 font-mono text-[13px] leading-snug dark:bg-white/10"
          >
            <code>{block.text}</code>
          </pre>
        );
      case 'quote':
        return (
          <blockquote key={i} className="my-1 border-l-4 border-current/40 pl-2 opacity-90">
            <Blocks blocks={block.children} look={look} />
          </blockquote>
        );
      case 'list': {
        const items = block.items.map((item, j) => (
          <li key={j}>
            <Inlines nodes={item} look={look} />
          </li>
        ));
        return block.ordered ? (
          <ol key={i} start={block.start} className="my-1 list-decimal pl-6">
            {items}
          </ol>
        ) : (
          <ul key={i} className="my-1 list-disc pl-5">
            {items}
          </ul>
        );
      }
    }
  });
}

/**
 * A message's text, formatted (see markdown.ts) with its links and the mentions of members marked
 * (mine stand out more); a message of one to three emoji alone is shown large.
 */
export function MessageText({
  blocks,
  emoji,
  mentioned,
  myUsername,
  mine,
  withImages,
  metaWidth,
}: {
  blocks: readonly Block[];
  /** How many emoji the message is, when it is nothing else. */
  emoji: number;
  mentioned: ReadonlySet<string>;
  myUsername: string | null;
  mine: boolean;
  withImages: boolean;
  metaWidth: string;
}) {
  const look = { mentioned, myUsername, mine };
  const last = blocks.at(-1);
  // Room for the time and ticks at the end of the last line, when they fit there.
  const spacer = <span aria-hidden="true" className={`inline-block ${metaWidth}`} />;
  return (
    <div
      className={`break-words ${withImages ? 'px-2 pt-1' : ''} ${emoji ? 'font-emoji text-5xl leading-tight' : ''}`}
      data-testid="message-text"
      data-emoji-only={emoji ? 'true' : undefined}
    >
      <Blocks blocks={last?.type === 'paragraph' ? blocks.slice(0, -1) : blocks} look={look} />
      {last?.type === 'paragraph' ? (
        <p className="whitespace-pre-wrap">
          <Inlines nodes={last.children} look={look} />
          {emoji ? null : spacer}
        </p>
      ) : (
        <div className="h-3" aria-hidden="true" />
      )}
    </div>
  );
}
