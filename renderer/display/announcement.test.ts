import { describe, expect, it } from 'vitest';
import { createI18n } from '../i18n/i18n';
import { announcementText, pickVoice, type VoiceLike } from './announcement';

describe('announcement text', () => {
  const en = createI18n('en').t;
  const pt = createI18n('pt').t;

  it('reads ticket, name and room in the call’s language', () => {
    expect(announcementText(pt, { ticket: 'M-007', displayName: 'Ana S.', roomName: '3' })).toBe('M-007, Ana S., sala 3');
    expect(announcementText(en, { ticket: 'M-007', displayName: 'Ana S.', roomName: '3' })).toBe('M-007, Ana S., room 3');
    expect(announcementText(en, { ticket: 'M-007', displayName: 'A. S.', roomName: 'Sala 3' })).toBe('M-007, A. S., Sala 3');
  });

  it('says only ticket and room when the clinic shows tickets only', () => {
    expect(announcementText(en, { ticket: 'F-012', displayName: '', roomName: 'Gym' })).toBe('F-012, Gym');
  });
});

describe('voice choice', () => {
  const voice = (lang: string, name: string, localService = true, isDefault = false): VoiceLike => ({ lang, name, localService, default: isDefault });
  const voices = [
    voice('en-US', 'Samantha', true, true),
    voice('pt-BR', 'Luciana'),
    voice('pt_PT', 'Joana', false),
    voice('en-GB', 'Daniel'),
    voice('fr-FR', 'Thomas'),
  ];

  it('prefers the European voice of the language, then any voice of it', () => {
    expect(pickVoice(voices, 'pt')?.name).toBe('Joana');
    expect(pickVoice(voices, 'en')?.name).toBe('Daniel');
    expect(
      pickVoice(
        voices.filter((v) => v.name !== 'Joana'),
        'pt',
      )?.name,
    ).toBe('Luciana');
  });

  it('picks none rather than a voice of another language', () => {
    expect(pickVoice([voice('fr-FR', 'Thomas', true, true)], 'pt')).toBeUndefined();
  });
});
