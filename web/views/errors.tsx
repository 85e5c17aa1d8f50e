import { ERRORS } from '../../copy/pages.js';
import { PATHS } from '../../domain/paths.js';
import { MessagePage } from './layout.js';

const home = [{ label: ERRORS.home, href: PATHS.home }];

export const NotFoundPage = () => (
  <MessagePage title={ERRORS.notFound.title} body={ERRORS.notFound.body} status={404} severity="warning" actions={home} />
);

export const ServerErrorPage = () => (
  <MessagePage title={ERRORS.server.title} body={ERRORS.server.body} status={500} severity="error" actions={home} />
);

export const TooLargePage = () => (
  <MessagePage title={ERRORS.tooLarge.title} body={ERRORS.tooLarge.body} status={413} severity="warning" actions={home} />
);

/** A POST without a valid form token: usually a page left open past its session. */
export const ForbiddenPage = ({ retry }: { retry: string }) => (
  <MessagePage
    title={ERRORS.forbidden.title}
    body={ERRORS.forbidden.body}
    status={403}
    severity="warning"
    actions={[{ label: ERRORS.forbidden.reload, href: retry }]}
  />
);

/** The shared store or Temporal cannot be reached: nothing was recorded, try again (503). */
export const UnavailablePage = () => (
  <MessagePage title={ERRORS.unavailable.title} body={ERRORS.unavailable.body} status={503} severity="error" actions={home} />
);

/** A 429: what was refused, and when to come back. */
export const TooManyPage = ({ body }: { body: string[] }) => (
  <MessagePage title={ERRORS.tooMany.title} body={body} status={429} severity="warning" actions={home} />
);

export const BadRequestPage = () => (
  <MessagePage title={ERRORS.badRequest.title} body={ERRORS.badRequest.body} status={400} severity="warning" actions={home} />
);
