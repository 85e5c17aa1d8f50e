/**
 * The security code as a picture. svg-captcha draws it, then resvg rasterises it: the SVG has one
 * filled path per digit (noise paths are unfilled), so a bot could read the answer from its
 * structure; a PNG only has pixels.
 */
import { Resvg } from '@resvg/resvg-js';
import svgCaptcha from 'svg-captcha';

export const CODE_IMAGE_WIDTH = 180;
export const CODE_IMAGE_HEIGHT = 64;

// The library's rendering function takes the text to draw; its typings only declare `create`.
type DrawingOptions = NonNullable<Parameters<typeof svgCaptcha.create>[0]>;
const render = svgCaptcha as unknown as (text: string, options: DrawingOptions) => string;
const DRAWING: DrawingOptions = { width: CODE_IMAGE_WIDTH, height: CODE_IMAGE_HEIGHT, fontSize: 64, noise: 3, color: false };

// The glyphs are already paths: system fonts are never needed, and scanning them costs time on every render.
const RASTER = { background: '#ffffff', font: { loadSystemFonts: false } };

export function drawCodeImage(digits: string): Buffer {
  // An empty text would make svg-captcha draw a random code of its own instead of the answer.
  if (!/^[0-9]{1,8}$/.test(digits)) throw new Error('drawCodeImage expects 1 to 8 digits');
  return new Resvg(render(digits, DRAWING), RASTER).render().asPng();
}
