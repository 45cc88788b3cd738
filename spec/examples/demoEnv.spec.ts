import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DemoEnvError, demoOptionsFromEnv } from '../../examples/demoEnv.js';

describe('demoOptionsFromEnv', () => {
  it('has safe defaults: loopback, the page own origin only', () => {
    expect(demoOptionsFromEnv({})).toEqual({
      port: 8080,
      host: '127.0.0.1',
      allowedOrigins: ['self'],
      idleTimeout: 60_000,
      keepalive: 25_000,
      maxConnections: undefined,
      echoMaxFrameSize: undefined,
    });
    expect(demoOptionsFromEnv({ PORT: ' ', HOST: '' })).toMatchObject({
      port: 8080,
      host: '127.0.0.1',
    });
  });

  it('reads every variable', () => {
    expect(
      demoOptionsFromEnv({
        PORT: '0',
        HOST: '0.0.0.0',
        ALLOWED_ORIGINS: 'self,https://a.example',
        IDLE_TIMEOUT: '1500',
        KEEPALIVE: '500',
        MAX_CONNECTIONS: '10',
        ECHO_MAX_FRAME_SIZE: '16777216',
      }),
    ).toEqual({
      port: 0,
      host: '0.0.0.0',
      allowedOrigins: ['self', 'https://a.example'],
      idleTimeout: 1500,
      keepalive: 500,
      maxConnections: 10,
      echoMaxFrameSize: 16_777_216,
    });
  });

  it('pings at 25 s, or at half of a shorter idle timeout; 0 or off turns pings off', () => {
    expect(demoOptionsFromEnv({ IDLE_TIMEOUT: '10000' })).toMatchObject({
      idleTimeout: 10_000,
      keepalive: 5000,
    });
    expect(demoOptionsFromEnv({ KEEPALIVE: '0' }).keepalive).toBe(Infinity);
    expect(demoOptionsFromEnv({ KEEPALIVE: ' OFF ' }).keepalive).toBe(Infinity);
    expect(demoOptionsFromEnv({ IDLE_TIMEOUT: '1000', KEEPALIVE: 'off' })).toMatchObject({
      idleTimeout: 1000,
      keepalive: Infinity,
    });
  });

  it('refuses what it cannot use, naming the variable', () => {
    const refused = (env: Record<string, string>): DemoEnvError => {
      try {
        demoOptionsFromEnv(env);
      } catch (err) {
        if (err instanceof DemoEnvError) return err;
        throw err;
      }
      throw new Error('accepted');
    };
    expect(refused({ PORT: '65536' })).toMatchObject({
      variable: 'PORT',
      message: 'PORT must be an integer from 0 to 65535, got "65536"',
    });
    expect(refused({ IDLE_TIMEOUT: '1e3' }).message).toBe(
      'IDLE_TIMEOUT must be an integer ≥ 1, got "1e3"',
    );
    expect(refused({ MAX_CONNECTIONS: '0' }).variable).toBe('MAX_CONNECTIONS');
    expect(refused({ KEEPALIVE: 'sometimes' }).variable).toBe('KEEPALIVE');
    expect(refused({ IDLE_TIMEOUT: '20000', KEEPALIVE: '20000' }).message).toBe(
      'KEEPALIVE (20000 ms) must be shorter than IDLE_TIMEOUT (20000 ms), or "off": ' +
        'a ping after the idle timeout comes too late to keep a connection',
    );
    expect(refused({ ECHO_MAX_FRAME_SIZE: '-1' }).variable).toBe('ECHO_MAX_FRAME_SIZE');
    expect(refused({ ALLOWED_ORIGINS: 'self,example.com' }).message).toContain(
      '"example.com" is none of those',
    );
    expect(refused({ TLS_CERT: '/tmp/cert.pem' })).toMatchObject({
      variable: 'TLS_KEY',
      message: 'TLS_KEY must be set too: TLS needs both TLS_CERT and TLS_KEY',
    });
    expect(refused({ TLS_KEY: '/tmp/key.pem' }).variable).toBe('TLS_CERT');
    const unreadable = refused({ TLS_CERT: '/nonexistent/cert.pem', TLS_KEY: '/nonexistent/k' });
    expect(unreadable.variable).toBe('TLS_CERT');
    expect(unreadable.message).toMatch(/^TLS_CERT: cannot read \/nonexistent\/cert\.pem \(ENOENT/);
  });

  it('reads the certificate and key named by TLS_CERT and TLS_KEY', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'rodeo-env-'));
    try {
      await writeFile(join(dir, 'cert.pem'), 'CERT');
      await writeFile(join(dir, 'key.pem'), 'KEY');
      const { tls } = demoOptionsFromEnv({
        TLS_CERT: join(dir, 'cert.pem'),
        TLS_KEY: join(dir, 'key.pem'),
      });
      expect([String(tls?.cert), String(tls?.key)]).toEqual(['CERT', 'KEY']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
