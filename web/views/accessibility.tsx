import { CRITERIA, DECLARATION, RGAA, SCREENS, conformity, type Criterion, type CriterionStatus } from '../../copy/accessibility.js';
import { ACCESSIBILITY } from '../../copy/pages.js';
import { PATHS } from '../../domain/paths.js';
import { Layout } from './layout.js';

export interface AccessibilityViewProps {
  /** The site's public address, as the declaration names what it covers. */
  site: string;
  helpdeskEmail: string;
}

const byStatus = (status: CriterionStatus) => CRITERIA.filter((c) => c.status === status);

/** « 1 décembre 2026 » for an ISO date, in the declaration's words. */
const inWords = (isoDate: string) =>
  new Intl.DateTimeFormat('fr-FR', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }).format(new Date(isoDate));

function CriteriaList({ criteria, id }: { criteria: readonly Criterion[]; id: string }) {
  return (
    <ul id={id}>
      {criteria.map((c) => (
        <li data-criterion={c.id}>
          <strong>
            {c.id} {c.topic}
          </strong>{' '}
          : {c.how}
        </li>
      ))}
    </ul>
  );
}

/**
 * The accessibility declaration, in the order of the legal model, generated from copy/accessibility.ts:
 * the status from the audit (none yet: « non conforme »), then what the tests check, what only a
 * person can check, what is not met, and how to reach the help desk without a security code.
 */
export function AccessibilityView({ site, helpdeskEmail }: AccessibilityViewProps) {
  const status = ACCESSIBILITY.status[conformity()];
  const [tested, manual, notMet] = [byStatus('tested'), byStatus('manual'), byStatus('not-met')];
  return (
    <Layout title={ACCESSIBILITY.title}>
      <div class="fr-grid-row fr-grid-row--center">
        <div class="fr-col-12 fr-col-md-10 fr-col-lg-8">
          <h1>{ACCESSIBILITY.title}</h1>
          <p>{ACCESSIBILITY.commitment}</p>
          <p>{ACCESSIBILITY.scope(site)}</p>

          <h2>{ACCESSIBILITY.statusTitle}</h2>
          <p>
            <strong>{ACCESSIBILITY.statusBody(status, RGAA.version)}</strong>
          </p>
          {DECLARATION.audit ? null : <p>{ACCESSIBILITY.noAudit}</p>}

          <h2>{ACCESSIBILITY.resultsTitle}</h2>
          <p>{ACCESSIBILITY.results(tested.length, manual.length, notMet.length, RGAA.criteria)}</p>

          <h3>{ACCESSIBILITY.testedTitle}</h3>
          <p>{ACCESSIBILITY.testedIntro}</p>
          <CriteriaList criteria={tested} id="criteres-testes" />

          <h3>{ACCESSIBILITY.manualTitle}</h3>
          <p>{ACCESSIBILITY.manualIntro}</p>
          <CriteriaList criteria={manual} id="criteres-manuels" />

          <h2>{ACCESSIBILITY.notMetTitle}</h2>
          <p>{ACCESSIBILITY.notMetIntro}</p>
          <CriteriaList criteria={notMet} id="criteres-non-respectes" />

          <h2>{ACCESSIBILITY.establishedTitle}</h2>
          <p>{ACCESSIBILITY.established(inWords(DECLARATION.established))}</p>
          <p>{ACCESSIBILITY.technologies}</p>
          <p>{ACCESSIBILITY.tools}</p>
          <p>{ACCESSIBILITY.sampleTitle}</p>
          <ul id="pages-verifiees">
            {SCREENS.map((screen) => (
              <li>{screen.name}</li>
            ))}
          </ul>

          <h2 id="contact">{ACCESSIBILITY.contactTitle}</h2>
          <p>{ACCESSIBILITY.contact}</p>
          <ul>
            <li>
              {ACCESSIBILITY.byEmail}{' '}
              <a class="fr-link" href={`mailto:${helpdeskEmail}`}>
                {helpdeskEmail}
              </a>
            </li>
            <li>
              <a class="fr-link" href={`${PATHS.help}#contact`}>
                {ACCESSIBILITY.byForm}
              </a>{' '}
              {ACCESSIBILITY.byFormNote}
            </li>
          </ul>

          <h2>{ACCESSIBILITY.remedyTitle}</h2>
          <p>{ACCESSIBILITY.remedy}</p>
          <ul>
            {ACCESSIBILITY.remedies.map((r) => (
              <li>
                <a class="fr-link" href={r.href}>
                  {r.label}
                </a>
              </li>
            ))}
            <li>{ACCESSIBILITY.remedyPost}</li>
          </ul>
        </div>
      </div>
    </Layout>
  );
}
