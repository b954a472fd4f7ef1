import type { MessageAttachment } from '@parley/db';
import { describe, expect, it } from 'vitest';
import { attachmentSummary, formatDuration } from './attachment-summary.ts';

const image = { kind: 'image' } as MessageAttachment;
const file = (name: string) => ({ kind: 'file', name }) as MessageAttachment;
const voice = (durationMs: number) => ({ kind: 'voice', durationMs }) as MessageAttachment;

describe('attachmentSummary', () => {
  it('names a voice note with its length, a file by its name, and counts photos', () => {
    expect(attachmentSummary([voice(12_400)])).toBe('🎤 Voice message 0:12');
    expect(attachmentSummary([file('report.pdf')])).toBe('📎 report.pdf');
    expect(attachmentSummary([image, file('a.zip'), image])).toBe('📎 a.zip and 2 more');
    expect(attachmentSummary([image])).toBe('📷 Photo');
    expect(attachmentSummary([image, image])).toBe('📷 2 photos');
    expect(attachmentSummary([])).toBe('Attachment');
  });

  it('formats durations as m:ss', () => {
    expect(formatDuration(0)).toBe('0:00');
    expect(formatDuration(65_000)).toBe('1:05');
    expect(formatDuration(299_600)).toBe('5:00');
  });
});
