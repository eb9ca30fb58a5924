import type { TFunction } from 'i18next';
import type { DisplayCall } from '../../shared/display/display.contract';

/** A room named only by its number ("3") reads as "room 3"; a named room ("Sala 3", "Gym") as it is. */
export function roomLabel(t: TFunction, roomName: string): string {
  const name = roomName.trim();
  return /^\d+[A-Za-z]?$/.test(name) ? t('display.roomNumber', { room: name }) : name;
}

/**
 * What the waiting room hears, in the call's language (`t` is fixed to it):
 * "M-007, Ana S., Sala 3", or "M-007, Sala 3" when the clinic shows tickets only.
 */
export function announcementText(t: TFunction, call: Pick<DisplayCall, 'ticket' | 'displayName' | 'roomName'>): string {
  const room = roomLabel(t, call.roomName);
  const name = call.displayName.trim();
  return name ? t('display.announcement', { ticket: call.ticket, name, room }) : t('display.announcementTicketOnly', { ticket: call.ticket, room });
}

export interface VoiceLike {
  lang: string;
  name: string;
  localService: boolean;
  default: boolean;
}

/** The BCP 47 tag the speech engine gets for each announcement language. */
export function speechLang(language: DisplayCall['language']): string {
  return language === 'pt' ? 'pt-PT' : 'en-GB';
}

/**
 * A voice for the language: the exact regional voice (pt-PT, not pt-BR; en-GB) first, then any
 * voice of the language, local voices before network ones. Undefined when the engine has none:
 * then the utterance's `lang` alone chooses.
 */
export function pickVoice<V extends VoiceLike>(voices: readonly V[], language: DisplayCall['language']): V | undefined {
  const wanted = speechLang(language).toLowerCase();
  const base = wanted.slice(0, 2);
  const norm = (lang: string) => lang.replace('_', '-').toLowerCase();
  const rank = (voice: V): number => {
    const lang = norm(voice.lang);
    const regional = lang === wanted ? 0 : lang.startsWith(`${base}-`) || lang === base ? 1 : 9;
    return regional * 4 + (voice.localService ? 0 : 2) + (voice.default ? 0 : 1);
  };
  let best: V | undefined;
  for (const voice of voices) if (rank(voice) < 9 * 4 && (!best || rank(voice) < rank(best))) best = voice;
  return best;
}
