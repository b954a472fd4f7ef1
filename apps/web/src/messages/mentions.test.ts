import { describe, expect, it } from 'vitest';
import { insertMention, matchMembers, mentionAt, splitMentions } from './mentions.ts';

describe('mentions in text', () => {
  it('marks the mentions of members only, as the server reads them', () => {
    const parts = splitMentions(
      'hi @Bob and @nobody, mail a@bob.com or @cyd.',
      new Set(['bob', 'cyd']),
    );
    expect(parts).toEqual([
      { text: 'hi ', mention: null },
      { text: '@Bob', mention: 'bob' },
      { text: ' and @nobody, mail a@bob.com or ', mention: null },
      { text: '@cyd', mention: 'cyd' },
      { text: '.', mention: null },
    ]);
    expect(splitMentions('no one', new Set(['bob']))).toEqual([{ text: 'no one', mention: null }]);
  });
});

describe('mention autocomplete', () => {
  it('finds the @query at the caret', () => {
    expect(mentionAt('hello @bo', 9)).toEqual({ start: 6, query: 'bo' });
    expect(mentionAt('@', 1)).toEqual({ start: 0, query: '' });
    expect(mentionAt('mail a@bo', 9)).toBeNull();
    expect(mentionAt('hello @bob there', 16)).toBeNull();
  });

  it('inserts the username with a space after it', () => {
    expect(insertMention('hi @bo!', 3, 6, 'bob_b')).toEqual({ text: 'hi @bob_b !', caret: 10 });
    expect(insertMention('hi @bo there', 3, 6, 'bob')).toEqual({ text: 'hi @bob there', caret: 8 });
  });

  it('matches usernames first, then any word of a name', () => {
    const people = [
      { username: 'builder', displayName: 'Zed' },
      { username: 'bob', displayName: 'Bob Builder' },
      { username: 'cy', displayName: 'Cy' },
    ];
    expect(matchMembers(people, 'bu').map((p) => p.username)).toEqual(['builder', 'bob']);
    expect(matchMembers(people, '').map((p) => p.username)).toEqual(['bob', 'cy', 'builder']);
  });
});
