import { ERRORS } from '../../copy/pages.js';
import { MessagePage } from './layout.js';

const home = [{ label: ERRORS.home, href: '/' }];

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

export const BadRequestPage = () => (
  <MessagePage title={ERRORS.badRequest.title} body={ERRORS.badRequest.body} status={400} severity="warning" actions={home} />
);
