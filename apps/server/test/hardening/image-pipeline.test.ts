/**
 * The image pipeline under a heavy user: animations are bounded (frames × pixels), one user's
 * pile of uploads cannot starve another's, and a full queue refuses with a retry-after instead of
 * holding ever more uploads in memory.
 */
import { IMAGE_LIMITS } from '@parley/api';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signUp, startTestServer, type TestServer } from '../harness.ts';
import { fixtures, upload } from '../images.ts';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer({
    env: { LOG_LEVEL: 'error' },
    overrides: { rateLimits: { uploadPerUserPerMinute: 1000 } },
  });
});
afterAll(() => s.destroy());

/** An animated GIF of `frames` frames of `side` × `side`. */
async function gif(frames: number, side: number): Promise<Buffer> {
  const pngs = await Promise.all(
    Array.from({ length: frames }, (_, i) =>
      sharp({
        create: { width: side, height: side, channels: 3, background: { r: i * 9, g: 60, b: 0 } },
      })
        .png()
        .toBuffer(),
    ),
  );
  return sharp(pngs, { join: { animated: true } })
    .gif()
    .toBuffer();
}

describe('the image pipeline', () => {
  it('refuses an animation past its pixel budget with 413 and a readable message', async () => {
    const alice = await signUp(s, 'img_big');
    const answer = await upload(s, alice.token(), await gif(12, 1000));
    expect(answer.status).toBe(413);
    expect(answer.body).toEqual({
      error: 'PAYLOAD_TOO_LARGE',
      message: `The animation is too large: at most ${IMAGE_LIMITS.maxAnimationPixels / 1e6} megapixels in all (frames × width × height).`,
    });
  });

  it("lets another user's image through while one user's animations wait, and refuses past the queue", async () => {
    const heavy = await signUp(s, 'img_heavy');
    const light = await signUp(s, 'img_light');
    const animation = await gif(14, 600);
    const { concurrency, maxWaitingPerOwner } = IMAGE_LIMITS.queue;
    const finished: string[] = [];
    // Every slot and every waiting place the heavy user may have, and one more.
    const heavyUploads = Array.from({ length: concurrency + maxWaitingPerOwner + 1 }, () =>
      upload(s, heavy.token(), animation).then((answer) => {
        finished.push(`heavy ${answer.status}`);
        return answer;
      }),
    );
    await new Promise((r) => setTimeout(r, 200));
    const lightAnswer = await upload(s, light.token(), await fixtures.png(64, 64));
    finished.push('light');
    const heavyAnswers = await Promise.all(heavyUploads);

    expect(lightAnswer.status).toBe(201);
    const refused = heavyAnswers.filter((a) => a.status === 429);
    expect(refused).toHaveLength(1);
    expect(refused[0]!.body).toMatchObject({ error: 'TOO_MANY_REQUESTS' });
    expect(String(refused[0]!.body.message)).toMatch(
      /^Your other images are still being processed\. Try again in \d+ s\.$/,
    );
    expect(Number(refused[0]!.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(heavyAnswers.filter((a) => a.status === 201)).toHaveLength(
      concurrency + maxWaitingPerOwner,
    );
    // The light user waited for the running animations and at most one more, not for all.
    const processed = finished.filter((f) => f !== 'heavy 429');
    expect(processed.indexOf('light')).toBeLessThanOrEqual(concurrency + 1);
  }, 60_000);
});
