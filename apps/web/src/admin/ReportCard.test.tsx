import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { ReportCard, type Report } from './ReportCard.tsx';

const at = new Date(2026, 2, 18, 9, 5);
const report: Report = {
  id: 'r1',
  reporterId: 'ann',
  userId: 'bob',
  messageId: 'm2',
  reason: 'abuse',
  details: 'He keeps doing this.',
  context: [
    { id: 'm1', senderId: 'ann', text: 'hello', createdAt: at, senderName: 'Ann' },
    { id: 'm2', senderId: 'bob', text: 'go away', createdAt: at, senderName: 'Bob' },
  ],
  createdAt: at,
  status: 'resolved',
  resolvedBy: 'mod',
  resolution: 'Warned the member',
  resolvedAt: at,
  reporter: { id: 'ann', username: 'ann', displayName: 'Ann' },
  reported: { id: 'bob', username: 'bob', displayName: 'Bob' },
  resolver: { id: 'mod', username: 'mod', displayName: 'Mo' },
  conversation: { id: 'c1', kind: 'group', title: 'Climbers' },
};

const text = (r: Report) =>
  renderToStaticMarkup(<ReportCard report={r} />)
    .replace(/<[^>]+>/g, '')
    .replace(/&quot;/g, '"');

describe('a report as the admins read it', () => {
  it('names who reported whom, where, why, what was said and what was done', () => {
    const html = renderToStaticMarkup(<ReportCard report={report} />);
    expect(text(report)).toContain(
      'Ann (@ann) reported Bob (@bob) for a message in the group “Climbers”.',
    );
    expect(text(report)).toContain('Harassment, threats or hate');
    expect(text(report)).toContain('Note from Ann: He keeps doing this.');
    expect(text(report)).toMatch(/Resolved by Mo on .+: Warned the member/);
    expect(html).toMatch(/data-reported="true"[^>]*>.*go away/);
    expect(html).not.toMatch(/data-reported="true"[^>]*>.*hello/);
  });

  it('says less for a report about a person', () => {
    const person = { ...report, messageId: null, context: [], conversation: null, details: '' };
    expect(text(person)).toContain('Ann (@ann) reported Bob (@bob).');
    expect(text(person)).not.toContain('Note from');
  });
});
