/**
 * `npm run ops -- <commande>`: the operators' command line. Parses arguments, calls
 * ops/operators.ts, prints in French. Exit codes: 0 done, 1 unexpected error (Temporal
 * unreachable…), 2 wrong usage, 3 renewal not found, 4 action refused (already ended, rate limit,
 * file already there), 5 no worker answered in time.
 */
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { AesGcmCodec } from '../codec/aes-gcm-codec.js';
import { createFieldSealer } from '../codec/sealed-field.js';
import { connectTemporal } from '../client/connect.js';
import {
  CASE_NAME,
  RENEWAL_STAGES,
  createOperatorTools,
  isRenewalStage,
  type OperatorStatus,
  type RenewalListItem,
  type RenewalTarget,
} from './operators.js';
import { createRenewalClient } from '../client/renewals.js';
import { parseDuration } from '../config/duration.js';
import { loadConfig } from '../config/index.js';
import { describeStage, formatParisTime } from '../workflows/details.js';

export const EXIT = { ok: 0, error: 1, usage: 2, notFound: 3, refused: 4, noAnswer: 5 } as const;

const HISTORIES_DIR = fileURLToPath(new URL('../test/histories/', import.meta.url));

const USAGE = `Usage : npm run ops -- <commande> [options]

  list-stuck [--stage <étape>] [--older-than 2h] [--limit 100] [--json]
      Renouvellements en cours restés à la même étape depuis plus longtemps que --older-than.
      Étapes : ${RENEWAL_STAGES.join(', ')} (toutes si --stage est omis).
  status <workflowId> | --numic <NUMIC> [--json]
  cancel <workflowId> | --numic <NUMIC> --reason "<motif>"
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

function stuckTable(items: RenewalListItem[], now: Date): string {
  // A renewal no worker ever picked up has no stage yet: it has waited since its start.
  const rows = items.map((r) => {
    const since = r.stageSince ?? r.startTime;
    return [r.workflowId, r.stage ?? 'non démarrée', when(since), elapsed(since, now), when(r.deadline)];
  });
  const header = ['workflowId', 'étape', 'depuis (Paris)', 'durée', 'échéance (Paris)'];
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

function statusText(s: Extract<OperatorStatus, { status: 'found' }>): string {
  const lines = [
    `Renouvellement ${s.workflowId}`,
    `  exécution      : ${s.execution} (run ${s.runId})`,
    `  démarré        : ${when(s.startTime)}${s.closeTime ? `, terminé : ${when(s.closeTime)}` : ''}`,
  ];
  if (s.summary) lines.push(`  résumé         : ${s.summary}`);
  if (s.stage) lines.push(`  étape          : ${s.stage} depuis ${when(s.stageSince)}`);
  if (s.live) {
    const deadline = s.live.deadline ? new Date(s.live.deadline).getTime() : undefined;
    lines.push(`  situation      : ${describeStage(s.live.stage, deadline, s.live.outcome)}`);
    if (s.live.outcome) lines.push(`  issue          : ${s.live.outcome}`);
    lines.push(`  liens envoyés  : ${s.live.linksSent}`);
    if (s.live.attemptsLeft !== undefined) lines.push(`  essais restants: ${s.live.attemptsLeft}`);
  } else {
    lines.push(`  situation      : le worker n'a pas répondu à la requête « status » (arrêté ?) ; étape d'après la visibilité ci-dessus`);
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

  const config = loadConfig();
  const temporal = await connectTemporal(config);
  try {
    const renewals = createRenewalClient({
      client: temporal.client,
      taskQueue: config.temporal.taskQueue,
      policy: config.renewal,
      renewalIdSecret: config.temporal.renewalIdSecret,
      sealer: createFieldSealer(config.payloadCodec.fieldSealKey),
    });
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
        const scope = values.stage ? `à l'étape « ${values.stage} »` : 'à la même étape';
        console.log(`Requête : ${query}`);
        if (stuck.length === 0) {
          console.log(`Aucun renouvellement en cours ${scope} depuis plus de ${values['older-than'] ?? '2h'}.`);
        } else {
          console.log(
            `${stuck.length} renouvellement(s) en cours ${scope} depuis plus de ${values['older-than'] ?? '2h'}${stuck.length === limit ? ` (limité à ${limit})` : ''} :\n`,
          );
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
              `Annulation demandée pour ${result.workflowId} : dès que le worker la traite, le lien meurt et l'issue est « cancelled ».`,
            );
            return EXIT.ok;
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
                : `Renvoi refusé pour ${result.workflowId} : le renouvellement n'attend ni le clic ni le mot de passe.`,
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
