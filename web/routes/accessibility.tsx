/** The accessibility declaration: a page of facts from copy/accessibility.ts, and the help desk's address. */
import { Hono } from 'hono';
import { PATHS } from '../../domain/paths.js';
import { page } from '../respond.js';
import type { Services } from '../services.js';
import type { AppEnv } from '../types.js';
import { AccessibilityView } from '../views/accessibility.js';

export function accessibilityRoutes(s: Services) {
  const app = new Hono<AppEnv>();
  app.get(PATHS.accessibility, (c) => page(c, <AccessibilityView site={s.deps.web.publicBaseUrl} helpdeskEmail={s.deps.helpdeskEmail} />));
  return app;
}
