import { describe, expect, it } from 'vitest';
import { attachmentLayout, avatarUrl, fileUrl, fitBox } from './media.ts';

describe('fitBox', () => {
  it('scales a large landscape image down to the maximum width, keeping its ratio', () => {
    expect(fitBox(1600, 900)).toEqual({ width: 320, height: 180 });
  });

  it('scales a portrait image down to the maximum height', () => {
    expect(fitBox(900, 1600)).toEqual({ width: 180, height: 320 });
  });

  it('never scales a small image up', () => {
    expect(fitBox(200, 100)).toEqual({ width: 200, height: 100 });
  });

  it('keeps extreme strips at least the minimum size (cropped by object-fit)', () => {
    expect(fitBox(1600, 10)).toEqual({ width: 320, height: 48 });
    expect(fitBox(4, 4)).toEqual({ width: 48, height: 48 });
  });

  it('honours a custom box and survives nonsense dimensions', () => {
    expect(fitBox(1000, 500, { width: 100, height: 100 })).toEqual({ width: 100, height: 50 });
    expect(fitBox(0, 0)).toEqual({ width: 320, height: 320 });
  });
});

describe('attachmentLayout', () => {
  it('gives one image its own aspect ratio and several a grid of squares', () => {
    expect(attachmentLayout([])).toEqual({ columns: 0, cells: [] });
    expect(attachmentLayout([{ width: 800, height: 600 }])).toEqual({
      columns: 1,
      cells: [{ width: 320, height: 240 }],
    });
    const grid = attachmentLayout([
      { width: 800, height: 600 },
      { width: 10, height: 1000 },
      { width: 300, height: 300 },
    ]);
    expect(grid.columns).toBe(2);
    expect(grid.cells).toEqual([
      { width: 158, height: 158 },
      { width: 158, height: 158 },
      { width: 158, height: 158 },
    ]);
  });
});

describe('addresses and words', () => {
  it('points at the server routes', () => {
    expect(fileUrl('abc', 'display')).toBe('/api/files/abc/display');
    expect(avatarUrl('abc')).toBe('/api/files/abc/thumb');
    expect(fileUrl('../x', 'thumb')).toBe('/api/files/..%2Fx/thumb');
  });
});
