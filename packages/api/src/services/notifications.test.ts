import { describe, expect, it } from 'vitest';
import { acceptableEndpoint } from './notifications.ts';

describe('push endpoints the server will call', () => {
  it('are https URLs of named hosts in production', () => {
    for (const ok of [
      'https://fcm.googleapis.com/fcm/send/abc',
      'https://updates.push.services.mozilla.com/wpush/v2/xyz',
      'https://web.push.apple.com/QGz',
    ])
      expect(acceptableEndpoint(ok, false), ok).toBe(true);
    for (const bad of [
      'http://fcm.googleapis.com/fcm/send/abc',
      'https://127.0.0.1/push',
      'https://[::1]/push',
      'https://169.254.169.254/latest/meta-data',
      'https://localhost:8443/push',
      'https://metadata/computeMetadata',
      'ftp://push.example.com/x',
    ])
      expect(acceptableEndpoint(bad, false), bad).toBe(false);
  });

  it('may be plain http and local when insecure endpoints are allowed (tests)', () => {
    expect(acceptableEndpoint('http://127.0.0.1:9/push/a', true)).toBe(true);
    expect(acceptableEndpoint('file:///etc/passwd', true)).toBe(false);
  });
});
