import type { Delays } from '../copy/pages.js';
import type { CaptchaStore } from './captcha.js';
import type { RateLimits } from './rate-limit.js';
import type { Clock, WebDeps } from './types.js';

/** What createApp builds once and hands to every route module. */
export interface Services {
  deps: WebDeps;
  clock: Clock;
  captchas: CaptchaStore;
  /** The security code's lifetime, in words. */
  captchaTtl: string;
  delays: Delays;
  limits: RateLimits;
}
