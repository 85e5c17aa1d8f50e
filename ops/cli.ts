/**
 * `npm run ops -- <commande>`: the operators' command line. Parses arguments, calls
 * ops/operators.ts, prints in French. Exit codes: 0 done, 1 unexpected error (Temporal
 * unreachable…), 2 wrong usage, 3 renewal not found, 4 action refused (already ended, too late to
 * cancel, rate limit, file already there), 5 no worker answered in time.
 */
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { AesGcmCodec } from '../codec/aes-gcm-codec.js';
import { connectTemporal } from '../client/connect.js';
import {
  CASE_NAME,
  createOperatorTools,
  isRenewalStage,
  type ListedStage,
  type OperatorStatus,
  type RenewalListItem,
  type RenewalTarget,
} from './operators.js';
import { createRenewalOperations } from '../client/operations.js';
import { parseDuration } from '../config/duration.js';
import { loadOpsConfig } from '../config/index.js';
import { reach } from '../config/startup.js';
import { RENEWAL_STAGES, type RenewalKind, type RenewalOutcome } from '../workflows/definitions.js';
import { formatParisTime } from '../workflows/details.js';
import { describeStage as describeLegacyStage } from '../workflows/legacy/details.js';
import type { RenewalStage as LegacyRenewalStage } from '../workflows/legacy/definitions.js';

export const EXIT = { ok: 0, error: 1, usage: 2, notFound: 3, refused: 4, noAnswer: 5 } as const;

const HISTORIES_DIR = fileURLToPath(new URL('../test/histories/', import.meta.url));

const USAGE = `Usage : npm run ops -- <commande> [options]

  list-stuck [--stage <étape>] [--older-than 2h] [--limit 100] [--json]
      Renouvellements en cours restés à la même étape depuis plus longtemps que --older-than.
      Ceux en délai de sécurité (cooling-down) attendent exprès : ils ne sont listés que si
      leur échéance est dépassée de plus de --older-than.
      Étapes : ${RENEWAL_STAGES.join(', ')} (toutes si --stage est omis).
  status <workflowId> | --numic <NUMIC> [--json]
      Nature, étape, échéance, issue, verrouillages ; où le renouvellement attend et jusqu'à quand.
  cancel <workflowId> | --numic <NUMIC> --reason "<motif>"
      Pendant la recherche du compte ou l'attente du lien : annule (issue « cancelled »).
      Pendant le délai de sécurité (cooling-down) : lève ce délai, le renouvellement se ferme.
  resend <workflowId> | --numic <NUMIC>
      Renvoie le lien par courriel (dans la limite d'envois par heure).
  export-history <workflowId> [--run-id <runId>] --name <cas> [--force] [--encrypted]
      Écrit l'historique dans test/histories/<cas>.json, charges utiles déchiffrées (cas de rejeu).

Codes de sortie : 0 fait, 1 erreur, 2 usage incorrect, 3 introuvable, 4 action refusée,
5 pas de réponse du worker.`;

class UsageError extends Error {}

const OPTIONS = {
  stage: { type: 'string' },
  'older-than': { type: 'string' },
  limit: { type: 'string' },
  numic: { type: 'string' },
  reason: { type: 'string' },
  'run-id': { type: 'string' },
  name: { type: 'string' },
  force: { type: 'boolean' },
  encrypted: { type: 'boolean' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>['values'];

function targetOf(positionals: string[], values: Values): RenewalTarget {
  const [workflowId, ...extra] = positionals;
  if (extra.length > 0) throw new UsageError(`argument en trop : ${extra.join(' ')}`);
  if (workflowId && values.numic) throw new UsageError('donnez soit un workflowId, soit --numic, pas les deux');
  if (workflowId) return { workflowId };
  if (values.numic) return { numic: values.numic };
  throw new UsageError('workflowId ou --numic manquant');
}

const when = (date: Date | undefined) => (date ? formatParisTime(date.getTime()) : '–');

function elapsed(since: Date, now: Date): string {
  const minutes = Math.max(0, Math.floor((now.getTime() - since.getTime()) / 60_000));
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const parts = [days && `${days} j`, hours && `${hours} h`, `${minutes % 60} min`].filter(Boolean);
  return parts.slice(0, 2).join(' ');
}

const KIND_WORDS: Record<RenewalKind, string> = { identifier: 'identifiant', password: 'mot de passe' };
/** What the citizen types on the link's page: the secret that authenticates each kind. */
const SECRET_WORDS: Record<RenewalKind, string> = { identifier: 'son mot de passe actuel', password: 'son identifiant actuel' };

function outcomeWords(kind: RenewalKind | undefined, outcome: RenewalOutcome): string {
  switch (outcome) {
    case 'no-match':
      return "aucun compte ne correspond au NUMIC et au courriel saisis, rien n'a été envoyé";
    case 'expired':
      return 'le lien a expiré sans être utilisé';
    case 'locked':
      return 'bloqué après trop de saisies erronées, usager prévenu par courriel et SMS';
    case 'cancelled':
      return 'annulé par un opérateur';
    case 'completed':
      return kind === 'password'
        ? 'nouveau mot de passe envoyé par SMS, usager notifié par courriel'
        : 'nouvel identifiant attribué, usager notifié par courriel et SMS';
  }
}

const untilWords = (deadline: number | undefined) =>
  deadline === undefined ? '' : ` jusqu'au ${formatParisTime(deadline)} (heure de Paris)`;

interface Situation {
  legacy: boolean;
  kind?: RenewalKind;
  stage?: ListedStage;
  deadline?: number;
  outcome?: RenewalOutcome;
  refusedUntil?: number;
}

/** Where the renewal waits and until when, in words. */
function situationWords({ legacy, kind, stage, deadline, outcome, refusedUntil }: Situation): string {
  if (stage === undefined) return "non démarré : aucun worker n'a encore pris ce renouvellement en charge";
  // A run of the legacy type: the words its own code wrote in its details.
  if (legacy || !isRenewalStage(stage)) return describeLegacyStage(stage as LegacyRenewalStage, deadline, outcome);
  switch (stage) {
    case 'looking-up':
      return 'recherche du compte dans le registre';
    case 'waiting-for-link':
      return (
        `en attente de l'usager : ouvrir le lien envoyé par courriel et saisir ${kind ? SECRET_WORDS[kind] : 'son secret'}` +
        `${untilWords(deadline)}${deadline === undefined ? '' : ', fin de validité du lien'}`
      );
    case 'changing':
      return kind === 'password' ? 'enregistrement du nouveau mot de passe en cours' : 'attribution du nouvel identifiant en cours';
    case 'notifying':
      return kind === 'password'
        ? "envoi du nouveau mot de passe par SMS et de l'avis par courriel en cours"
        : "envoi des avis à l'usager (courriel et SMS) en cours";
    case 'cooling-down': {
      const refused =
        refusedUntil === undefined
          ? ''
          : ` Trop de verrouillages : nouveaux renouvellements refusés jusqu'au ${formatParisTime(refusedUntil)}.`;
      return (
        `tentative terminée (${outcome ? outcomeWords(kind, outcome) : 'issue inconnue'}). ` +
        `Délai de sécurité${untilWords(deadline)} : le renouvellement reste ouvert pour retenir les verrouillages ` +
        `et le délai avant un renouvellement de l'autre nature ; « cancel » lève ce délai.${refused}`
      );
    }
    case 'closed':
      return `terminé : ${outcome ? outcomeWords(kind, outcome) : 'issue inconnue'}`;
  }
}

function stuckTable(items: RenewalListItem[], now: Date): string {
  // A renewal no worker ever picked up has no stage yet: it has waited since its start.
  const rows = items.map((r) => {
    const since = r.stageSince ?? r.startTime;
    const stage = `${r.stage ?? 'non démarrée'}${r.legacy ? ' (ancien type)' : ''}`;
    return [r.workflowId, r.kind ? KIND_WORDS[r.kind] : '–', stage, when(since), elapsed(since, now), when(r.deadline)];
  });
  const header = ['workflowId', 'nature', 'étape', 'depuis (Paris)', 'durée', 'échéance (Paris)'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  return [header, ...rows]
    .map((row) =>
      row
        .map((cell, i) => cell.padEnd(widths[i]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

const epoch = (iso: string | undefined) => (iso === undefined ? undefined : new Date(iso).getTime());

function statusText(s: Extract<OperatorStatus, { status: 'found' }>): string {
  // The workflow's own answer when a worker gave it; else the search attributes the server keeps.
  const facts: Situation = s.live
    ? {
        legacy: s.legacy,
        kind: s.live.kind,
        stage: s.live.stage,
        deadline: epoch(s.live.deadline),
        outcome: s.live.outcome,
        refusedUntil: s.legacy ? undefined : epoch(s.live.refusedUntil),
      }
    : { legacy: s.legacy, kind: s.kind, stage: s.stage, deadline: s.deadline?.getTime(), outcome: s.outcome };
  const lockouts = s.live && !s.legacy ? s.live.lockouts : s.lockouts;
  const lines = [
    `Renouvellement ${s.workflowId}`,
    `  type           : ${s.workflowType}${s.legacy ? ' (ancien type : lancé avant la mise à jour, il finit sur son propre code)' : ''}`,
    `  exécution      : ${s.execution} (run ${s.runId})`,
    `  démarré        : ${when(s.startTime)}${s.closeTime ? `, terminé : ${when(s.closeTime)}` : ''}`,
  ];
  if (s.summary) lines.push(`  résumé         : ${s.summary}`);
  if (facts.kind) lines.push(`  nature         : ${KIND_WORDS[facts.kind]}`);
  if (s.stage) lines.push(`  étape          : ${s.stage} depuis ${when(s.stageSince)}`);
  if (facts.deadline !== undefined) lines.push(`  échéance       : ${formatParisTime(facts.deadline)} (heure de Paris)`);
  if (facts.outcome) lines.push(`  issue          : ${facts.outcome}`);
  if (lockouts !== undefined) lines.push(`  verrouillages  : ${lockouts}`);
  lines.push(`  situation      : ${situationWords(facts)}`);
  if (s.live) {
    lines.push(`  liens envoyés  : ${s.live.linksSent}`);
    if (s.live.attemptsLeft !== undefined) lines.push(`  essais restants: ${s.live.attemptsLeft}`);
  } else {
    lines.push(`  attention      : le worker n'a pas répondu à la requête « status » (arrêté ?) ; situation d'après la visibilité`);
  }
  return lines.join('\n');
}

export async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (err) {
    console.error(`${(err as Error).message}\n\n${USAGE}`);
    return EXIT.usage;
  }
  const { values, positionals } = parsed;
  const [command, ...rest] = positionals;
  if (values.help || !command) {
    console.log(USAGE);
    return values.help ? EXIT.ok : EXIT.usage;
  }

  const config = loadOpsConfig();
  const temporal = await reach('Temporal', config.temporal.address, 'TEMPORAL_ADDRESS', () => connectTemporal(config));
  try {
    const renewals = createRenewalOperations({ client: temporal.client, renewalIdSecret: config.renewalIdSecret });
    const tools = createOperatorTools({ client: temporal.client, renewals });
    const now = new Date();

    switch (command) {
      case 'list-stuck': {
        if (rest.length > 0) throw new UsageError(`argument en trop : ${rest.join(' ')}`);
        if (values.stage !== undefined && !isRenewalStage(values.stage)) {
          throw new UsageError(`étape inconnue « ${values.stage} » ; étapes : ${RENEWAL_STAGES.join(', ')}`);
        }
        const olderThanMs = parseDuration(values['older-than'] ?? '2h');
        if (olderThanMs === undefined) throw new UsageError(`durée invalide « ${values['older-than']} » (ex. 90s, 15m, 2h, 1d)`);
        const limit = Number(values.limit ?? 100);
        if (!Number.isInteger(limit) || limit < 1) throw new UsageError('--limit doit être un entier positif');
        const { query, renewals: stuck } = await tools.listStuck({ stage: values.stage, olderThanMs, limit, now });
        if (values.json) {
          console.log(JSON.stringify({ query, renewals: stuck }, null, 2));
          return EXIT.ok;
        }
        const olderThan = values['older-than'] ?? '2h';
        const scope =
          values.stage === 'cooling-down'
            ? `en délai de sécurité dont l'échéance est dépassée de plus de ${olderThan}`
            : values.stage
              ? `à l'étape « ${values.stage} » depuis plus de ${olderThan}`
              : `à la même étape depuis plus de ${olderThan} (délai de sécurité : échéance dépassée de plus de ${olderThan})`;
        console.log(`Requête : ${query}`);
        if (stuck.length === 0) {
          console.log(`Aucun renouvellement en cours ${scope}.`);
        } else {
          console.log(`${stuck.length} renouvellement(s) en cours ${scope}${stuck.length === limit ? ` (limité à ${limit})` : ''} :\n`);
          console.log(stuckTable(stuck, now));
        }
        return EXIT.ok;
      }

      case 'status': {
        const status = await tools.status(targetOf(rest, values));
        if (values.json) console.log(JSON.stringify(status, null, 2));
        if (status.status === 'not-found') {
          if (!values.json) console.error(`Aucun renouvellement ${status.workflowId}.`);
          return EXIT.notFound;
        }
        if (!values.json) console.log(statusText(status));
        return EXIT.ok;
      }

      case 'cancel': {
        const target = targetOf(rest, values);
        if (!values.reason?.trim()) throw new UsageError('--reason "<motif>" est obligatoire pour annuler');
        const result = await tools.cancel(target, values.reason);
        switch (result.status) {
          case 'cancel-requested':
            console.log(
              result.stage === 'cooling-down'
                ? `Levée du délai de sécurité demandée pour ${result.workflowId} : dès que le worker la traite, le renouvellement se ferme ` +
                    "et le compte n'est plus suivi (verrouillages, délai avant l'autre nature) ; l'issue reste celle de la tentative."
                : `Annulation demandée pour ${result.workflowId} : dès que le worker la traite, le lien meurt et l'issue est « cancelled ».`,
            );
            return EXIT.ok;
          case 'too-late':
            console.error(
              `Trop tard pour annuler ${result.workflowId} (étape ${result.stage}) : la modification est faite ou en cours, ` +
                'le renouvellement va se terminer de lui-même.',
            );
            return EXIT.refused;
          case 'not-running':
            console.error(`${result.workflowId} est déjà terminé (${result.execution}) : rien à annuler.`);
            return EXIT.refused;
          case 'not-found':
            console.error(`Aucun renouvellement ${result.workflowId}.`);
            return EXIT.notFound;
        }
      }

      case 'resend': {
        const result = await tools.resend(targetOf(rest, values));
        switch (result.status) {
          case 'sent':
            console.log(`Nouveau lien envoyé par courriel pour ${result.workflowId} ; l'ancien ne fonctionne plus.`);
            return EXIT.ok;
          case 'refused':
            console.error(
              result.reason === 'rate-limited'
                ? `Renvoi refusé pour ${result.workflowId} : limite de ${config.renewal.maxLinkEmailsPerHour} courriels par heure atteinte.`
                : `Renvoi refusé pour ${result.workflowId} : le renouvellement n'attend pas l'usager sur un lien ` +
                    "(tentative terminée ou en cours de modification) ; l'usager peut refaire une demande sur le portail.",
            );
            return EXIT.refused;
          case 'no-answer':
            console.error(
              `Pas de réponse du worker en 30 s pour ${result.workflowId} : le renvoi peut encore avoir lieu quand il reprendra. ` +
                'Vérifiez « liens envoyés » avec status avant de relancer.',
            );
            return EXIT.noAnswer;
          case 'not-running':
            console.error(`${result.workflowId} est déjà terminé (${result.execution}) : rien à renvoyer.`);
            return EXIT.refused;
          case 'not-found':
            console.error(`Aucun renouvellement ${result.workflowId}.`);
            return EXIT.notFound;
        }
      }

      case 'export-history': {
        const [workflowId, ...extra] = rest;
        if (!workflowId || extra.length > 0) throw new UsageError('export-history prend un seul workflowId');
        if (!values.name || !CASE_NAME.test(values.name)) {
          throw new UsageError('--name <cas> est obligatoire : minuscules, chiffres et tirets (ex. lien-expire)');
        }
        // Decoded histories hold citizens' data in clear: only from test or demo renewals.
        if (config.production && !values.encrypted) {
          console.error(
            'Refusé en production : un historique déchiffré contiendrait des données personnelles. Utilisez --encrypted, ou exportez depuis un environnement de test.',
          );
          return EXIT.refused;
        }
        const result = await tools.exportHistory({
          workflowId,
          runId: values['run-id'],
          name: values.name,
          directory: HISTORIES_DIR,
          codec: values.encrypted ? undefined : new AesGcmCodec(config.payloadCodec),
          overwrite: values.force ?? false,
        });
        switch (result.status) {
          case 'written':
            console.log(
              `Historique écrit : ${result.path} (${result.events} événements, exécution ${result.execution}, ` +
                `${result.decoded ? 'charges utiles déchiffrées' : 'charges utiles chiffrées'}).`,
            );
            if (result.execution === 'RUNNING') console.log('Attention : le renouvellement est encore en cours, l’historique est partiel.');
            return EXIT.ok;
          case 'exists':
            console.error(`${result.path} existe déjà : choisissez un autre --name ou ajoutez --force.`);
            return EXIT.refused;
          case 'not-found':
            console.error(`Aucun renouvellement ${result.workflowId}.`);
            return EXIT.notFound;
        }
      }

      default:
        throw new UsageError(`commande inconnue « ${command} »`);
    }
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(`${err.message}\n\n${USAGE}`);
      return EXIT.usage;
    }
    throw err;
  } finally {
    await temporal.close();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(`Erreur : ${err instanceof Error ? err.message : String(err)}`);
      process.exit(EXIT.error);
    },
  );
}
