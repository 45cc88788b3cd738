import { describe, expect, it } from 'vitest';
import { reasons } from '../../src/index.js';
import { createMetrics } from '../../src/server/metrics.js';

describe('metrics', () => {
  it('counts and snapshots as a plain copy', () => {
    const metrics = createMetrics();
    metrics.opened('HTTP/1.1');
    metrics.opened('HTTP/2');
    metrics.frameIn();
    metrics.framesSent(2);
    metrics.queued(10);
    metrics.queued(5);
    metrics.mailbox(1, 1);
    metrics.mailbox(1, 2);
    metrics.mailbox(-2, 0);
    metrics.mailbox(1, 1);
    metrics.infoDropped();
    metrics.ended(reasons.timeout, true);
    metrics.ended(reasons.stop, true);
    metrics.ended(reasons.normal, false);
    const snapshot = metrics.snapshot();
    expect(snapshot).toEqual({
      open: 0,
      framesIn: 1,
      framesOut: 2,
      peakQueueBytes: 10,
      mailboxQueued: 1,
      mailboxPeak: 2,
      infosDropped: 1,
      terminated: {
        normal: 1,
        remote: 0,
        stop: 1,
        timeout: 1,
        crash: 0,
        error: 0,
        shutdown: 0,
        backpressure: 0,
      },
      upgraded: { 'HTTP/1.1': 1, 'HTTP/2': 1 },
    });
    metrics.ended(reasons.timeout, false);
    expect(snapshot.terminated.timeout).toBe(1);
    expect(metrics.terminated.timeout).toBe(2);
    metrics.opened('HTTP/2');
    expect(snapshot.upgraded['HTTP/2']).toBe(1);
    expect(metrics.upgraded['HTTP/2']).toBe(2);
    expect(JSON.parse(JSON.stringify(metrics.snapshot()))).toEqual(metrics.snapshot());
  });
});
