import { renderToStaticMarkup } from 'react-dom/server';
import { I18nextProvider } from 'react-i18next';
import { describe, expect, it } from 'vitest';
import type { DisplayState } from '../../shared/display/display.contract';
import { createI18n } from '../i18n/i18n';
import { DisplayBoard } from './display-board';

const T0 = Date.UTC(2030, 0, 7, 10, 0);

function render(state: DisplayState, isConnected = true): string {
  const i18n = createI18n(state.locale);
  return renderToStaticMarkup(
    <I18nextProvider i18n={i18n}>
      <DisplayBoard view={state} isConnected={isConnected} />
    </I18nextProvider>,
  );
}

/** The texts a viewer sees, element by element. */
function texts(html: string): string[] {
  return html
    .replace(/<[^>]+>/g, '\n')
    .split('\n')
    .map((text) => text.trim())
    .filter(Boolean);
}

const ticketOnly: DisplayState = {
  clinicName: 'Clínica Mar Azul',
  locale: 'en',
  timeZone: 'Europe/Lisbon',
  day: '2030-01-07',
  privacy: 'ticketOnly',
  generatedAt: T0,
  current: { callId: 'c2', ticket: 'M-002', displayName: '', roomName: '3', calledAt: T0, language: 'en' },
  recentCalls: [{ callId: 'c1', ticket: 'F-001', displayName: '', roomName: 'Sala 1', calledAt: T0 - 60_000, language: 'en' }],
  waiting: [
    { ticket: 'M-003', displayName: '', estimatedWaitMinutes: 0 },
    { ticket: 'A-001', displayName: '', estimatedWaitMinutes: 14 },
  ],
};

describe('waiting-room board', () => {
  it('shows only what the view carries: in ticket-only mode, tickets, rooms and waits', () => {
    const html = render(ticketOnly);
    const withoutClock = html.replace(/<div class="display-clock".*?<\/div>/, '');
    const chrome = ['Clínica Mar Azul', 'Now calling', 'Please go to', 'Recent calls', 'Waiting', 'Estimated wait', 'Soon', '~14 min'];
    const patientTexts = texts(withoutClock).filter((text) => !chrome.includes(text));
    expect(patientTexts).toEqual(['M-002', 'Room 3', 'F-001', 'Sala 1', 'M-003', 'A-001']);
    expect(html).toContain('data-testid="display-ticket"');
    expect(html).not.toContain('data-testid="display-reconnecting"');
  });

  it('gives every row a fixed place: eight waiting rows and four recent slots, however many there are', () => {
    const html = render(ticketOnly);
    expect(html.match(/class="display-waiting-row/g)).toHaveLength(8);
    expect(html.match(/class="display-recent-item/g)).toHaveLength(4);
    expect(html.match(/data-testid="display-waiting"/g)).toHaveLength(2);
    expect(html).toContain('data-ticket="A-001"');
  });

  it('says when it is reconnecting, and welcomes when nobody is called', () => {
    const html = render({ ...ticketOnly, locale: 'pt', current: null, recentCalls: [], waiting: [] }, false);
    expect(html).toContain('data-testid="display-reconnecting"');
    expect(texts(html)).toContain('A restabelecer a ligação…');
    expect(texts(html)).toContain('Ninguém em espera');
    expect(html).toContain('data-call-id=""');
  });
});
