import { foldText } from '../../shared/patients/patient-keys';

/** How well a command's label answers what was typed: lower is better; null, not at all. */
export type PaletteRank = 0 | 1 | 2;

/**
 * 0: the label, or one of its words, is what was typed ("queue" → "Go to the queue");
 * 1: the label or one of its words starts with it ("que"); 2: it is somewhere inside.
 * Accents and case do not count.
 */
export function rankLabel(label: string, query: string): PaletteRank | null {
  const typed = foldText(query).trim();
  if (!typed) return 2;
  const folded = foldText(label);
  const words = folded.split(/[^\p{L}\p{N}]+/u).filter(Boolean);
  if (folded === typed || words.includes(typed)) return 0;
  if (folded.startsWith(typed) || words.some((word) => word.startsWith(typed))) return 1;
  return folded.includes(typed) ? 2 : null;
}

/**
 * The palette's order: commands that match by word first (Enter runs "Go to the queue" for
 * "queue"), then the search for patients, the fallback for anything else typed, then the
 * commands that merely contain the text. Ties keep the commands' own order.
 */
export function orderPalette<T>(query: string, commands: readonly T[], labelOf: (command: T) => string, patientSearch: T | null): T[] {
  const ranked = commands
    .map((command, index) => ({ command, index, rank: rankLabel(labelOf(command), query) }))
    .filter((entry): entry is { command: T; index: number; rank: PaletteRank } => entry.rank !== null)
    .sort((a, b) => a.rank - b.rank || a.index - b.index);
  const strong = ranked.filter((entry) => entry.rank < 2).map((entry) => entry.command);
  const weak = ranked.filter((entry) => entry.rank === 2).map((entry) => entry.command);
  return [...strong, ...(patientSearch ? [patientSearch] : []), ...weak];
}
