import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../config/index.js';

const scratch = () => ({ DATA_DIR: mkdtempSync(join(tmpdir(), 'config-')) });

describe('configuration', () => {
  it('serves the embedded setup with no variable set, and keeps generated secrets stable', () => {
    const env = scratch();
    const first = loadConfig(env);
    expect(first.renewal).toEqual({
      linkTtlMs: 3_600_000,
      maxSecretAttempts: 3,
      maxLinkEmailsPerHour: 3,
      lockoutLimit: 3,
      lockoutWindowMs: 86_400_000,
      lockoutRefusalMs: 86_400_000,
      cooldownMs: 86_400_000,
    });
    expect(first.store).toMatchObject({ url: 'redis://127.0.0.1:6379/0', embedded: true });
    expect(first.web.captchaTestHook).toBe(false);
    expect(first.mongo.embedded).toBe(true);
    expect(loadConfig(env).payloadCodec.key.equals(first.payloadCodec.key)).toBe(true);
  });

  it('reads durations and an external MongoDB', () => {
    const config = loadConfig({ ...scratch(), LINK_TTL: '30m', MONGODB_URI: 'mongodb://db:27017/' });
    expect(config.renewal.linkTtlMs).toBe(1_800_000);
    expect(config.mongo).toMatchObject({ uri: 'mongodb://db:27017/', embedded: false });
  });

  it('follows TEMPORAL_PORT for the embedded server unless TEMPORAL_ADDRESS says otherwise', () => {
    expect(loadConfig({ ...scratch(), TEMPORAL_PORT: '27233' }).temporal.address).toBe('127.0.0.1:27233');
    expect(loadConfig({ ...scratch(), TEMPORAL_ADDRESS: 'temporal:7233' }).temporal.address).toBe('temporal:7233');
  });

  it('takes a prebuilt workflow bundle only when WORKFLOW_BUNDLE_PATH names one', () => {
    expect(loadConfig(scratch()).temporal.workflowBundlePath).toBeUndefined();
    expect(loadConfig({ ...scratch(), WORKFLOW_BUNDLE_PATH: '/app/dist/workflow-bundle.js' }).temporal.workflowBundlePath).toBe(
      '/app/dist/workflow-bundle.js',
    );
    expect(loadConfig({ ...scratch(), WORKFLOW_BUNDLE_PATH: 'dist/b.js' }).temporal.workflowBundlePath).toBe(resolve('dist/b.js'));
    // Set but empty is a mistake, not "bundle at start".
    expect(() => loadConfig({ ...scratch(), WORKFLOW_BUNDLE_PATH: '' })).toThrow(/WORKFLOW_BUNDLE_PATH/);
  });

  it('names every bad variable', () => {
    expect(() => loadConfig({ ...scratch(), WEB_PORT: 'eighty', LINK_TTL: 'soon' })).toThrow(/WEB_PORT[\s\S]*LINK_TTL/);
  });

  it('demands real secrets in production and forbids the captcha test hook there', () => {
    expect(() => loadConfig({ ...scratch(), NODE_ENV: 'production' })).toThrow(ConfigError);
    const secrets = {
      PAYLOAD_KEY: Buffer.alloc(32, 1).toString('base64'),
      COOKIE_SECRET: 'c'.repeat(32),
      RENEWAL_ID_SECRET: 'r'.repeat(32),
      FIELD_SEAL_KEY: Buffer.alloc(32, 2).toString('base64'),
      LINK_KEY: Buffer.alloc(32, 3).toString('base64'),
      CODEC_SERVER_TOKEN: 't'.repeat(32),
    };
    expect(loadConfig({ ...scratch(), NODE_ENV: 'production', ...secrets }).web.secureCookies).toBe(true);
    expect(() => loadConfig({ ...scratch(), NODE_ENV: 'production', ...secrets, CAPTCHA_TEST_HOOK: 'true' })).toThrow(/CAPTCHA_TEST_HOOK/);
  });
});
