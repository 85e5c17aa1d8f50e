/**
 * Durations and times in French words, as the pages, emails and SMS say them: one source for all.
 * Pure: the workflow's operator details may use it too.
 */

/** "1 heure", "15 minutes", "2 heures", "1 jour", "1 minute"; rounded to the minute, at least 1 minute. */
export function durationInWords(ms: number): string {
  const minutes = Math.max(1, Math.round(ms / 60_000));
  if (minutes % 1440 === 0) return minutes === 1440 ? '1 jour' : `${minutes / 1440} jours`;
  if (minutes % 60 === 0) return minutes === 60 ? '1 heure' : `${minutes / 60} heures`;
  return minutes === 1 ? '1 minute' : `${minutes} minutes`;
}

/** "dans 12 minutes", "dans moins d’une minute". */
export const minutesLeftInWords = (ms: number) => (ms < 60_000 ? 'moins d’une minute' : durationInWords(Math.floor(ms / 60_000) * 60_000));

const parisDateTime = new Intl.DateTimeFormat('fr-FR', { timeZone: 'Europe/Paris', dateStyle: 'long', timeStyle: 'short' });

/** "1 décembre 2026 à 14:05" (heure de Paris). */
export const parisDateTimeInWords = (epochMs: number) => parisDateTime.format(new Date(epochMs));
