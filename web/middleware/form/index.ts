/**
 * A POST's body, size-limited before it is read, parsed once and shared as `c.var.form`: text
 * fields only (files and repeated names are ignored), so every later check reads the same values.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { every } from 'hono/combine';
import { HTTPException } from 'hono/http-exception';

/** The largest form (the help message, 2,000 characters) percent-encodes to about 18 KiB at worst. */
export const MAX_BODY_BYTES = 32 * 1024;

export interface FormVariables {
  form: Record<string, string>;
}

export function textFields(body: Record<string, unknown>): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const [name, value] of Object.entries(body)) if (typeof value === 'string') fields[name] = value;
  return fields;
}

/** The body's fields; a body that cannot be parsed (a multipart one without its boundary, say) is a 400, not a 500. */
async function parsedBody(c: Context): Promise<Record<string, unknown>> {
  try {
    return await c.req.parseBody();
  } catch (cause) {
    throw new HTTPException(400, { message: 'malformed form body', cause });
  }
}

export function postedForm(onTooLarge: (c: Context) => Response | Promise<Response>): MiddlewareHandler<{ Variables: FormVariables }> {
  const parse: MiddlewareHandler<{ Variables: FormVariables }> = async (c, next) => {
    c.set('form', c.req.method === 'POST' ? textFields(await parsedBody(c)) : {});
    await next();
  };
  return every(bodyLimit({ maxSize: MAX_BODY_BYTES, onError: onTooLarge }), parse);
}
