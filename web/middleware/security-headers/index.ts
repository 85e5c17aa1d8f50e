/**
 * Security headers from Hono's own middleware: a CSP that allows no inline script or style,
 * no-referrer (link pages carry their token in the address), HSTS behind TLS, no framing.
 */
import type { MiddlewareHandler } from 'hono';
import { secureHeaders } from 'hono/secure-headers';

export function securityHeaders(publicBaseUrl: string): MiddlewareHandler {
  const https = new URL(publicBaseUrl).protocol === 'https:';
  const self = ["'self'"];
  return secureHeaders({
    contentSecurityPolicy: {
      defaultSrc: self,
      scriptSrc: self,
      styleSrc: self,
      // DSFR's stylesheet draws a few shapes as data: SVG images; the security code is a data: PNG.
      imgSrc: [...self, 'data:'],
      // The spoken security code is served by the app itself.
      mediaSrc: self,
      fontSrc: self,
      connectSrc: self,
      manifestSrc: self,
      formAction: self,
      frameAncestors: ["'none'"],
      baseUri: self,
      objectSrc: ["'none'"],
      ...(https ? { upgradeInsecureRequests: [] } : {}),
    },
    referrerPolicy: 'no-referrer',
    strictTransportSecurity: https ? 'max-age=63072000; includeSubDomains' : false,
    xFrameOptions: 'DENY',
    permissionsPolicy: { camera: [], microphone: [], geolocation: [], payment: [] },
  });
}
