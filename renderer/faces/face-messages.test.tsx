import { renderToStaticMarkup } from 'react-dom/server';
import { I18nextProvider } from 'react-i18next';
import { describe, expect, it } from 'vitest';
import type { Locale } from '../../shared/contract/common';
import { createI18n } from '../i18n/i18n';
import { errorText } from '../i18n/errors';
import { RpcError } from '../transport/rpc-error';
import { ErrorMessage } from '../ui/error-message';
import { emptySlots, slotsAfterRefusal, takePhoto } from './enrol-photos';

/** What the desk reads when face check-in's enrolment or withdrawal does not simply succeed. */

function shown(locale: Locale, error: RpcError): string {
  const html = renderToStaticMarkup(
    <I18nextProvider i18n={createI18n(locale)}>
      <ErrorMessage error={error} />
    </I18nextProvider>,
  );
  return html
    .replace(/<[^>]+>/g, ' ')
    .replace(/&quot;/g, '"')
    .replace(/\s+/g, ' ')
    .trim();
}

const unfinished = (done: string[], remaining: string[]) =>
  new RpcError('WITHDRAWAL_UNFINISHED', 'x', { state: 'withdrawing', problem: 'NETWORK', done, remaining });

describe('a withdrawal that stopped halfway', () => {
  it('says the consent is withdrawn and the face search entry removed, what remains, and "Finish withdrawal", never "Nothing was changed"', () => {
    const text = shown('en', unfinished(['consent', 'user'], ['faces', 'photos']));
    expect(text).toContain('consent is withdrawn');
    expect(text).toContain('face search entry');
    expect(text).toContain('photos');
    expect(text).toContain('Finish withdrawal');
    expect(text).not.toMatch(/nothing was/i);

    const pt = shown('pt', unfinished(['consent', 'user'], ['faces', 'photos']));
    expect(pt).toContain('consentimento');
    expect(pt).toContain('Concluir a retirada');
    expect(pt).not.toMatch(/nada foi/i);
  });

  it('names only what remains', () => {
    const en = createI18n('en').t;
    const onlyPhotos = errorText(en, unfinished(['consent', 'user', 'faces'], ['photos']));
    expect(onlyPhotos).toContain('face data');
    expect(onlyPhotos).toMatch(/photos are not deleted yet/);
    const nothingInAws = errorText(en, unfinished(['consent'], ['user', 'faces', 'photos']));
    expect(nothingInAws).toContain('consent is withdrawn');
    expect(nothingInAws).not.toContain('removed');
    // Details it does not know: still not "nothing was changed".
    expect(errorText(en, new RpcError('WITHDRAWAL_UNFINISHED', 'x'))).toContain('Finish withdrawal');
  });
});

describe('photos that are not of one person', () => {
  const photo = (name: string) => ({ base64: name, bytes: name.length });
  const taken = [photo('a'), photo('b'), photo('c')].reduce(takePhoto, emptySlots());

  it('empties the three slots and asks for new photos', () => {
    const error = new RpcError('PHOTOS_NOT_SAME_PERSON', 'x', { photos: [1] });
    expect(slotsAfterRefusal(taken, error)).toEqual(emptySlots());
    expect(shown('en', error)).toContain('do not show the same person');
    expect(shown('en', error)).toContain('new photos');
    expect(shown('en', error)).not.toMatch(/reach/);
    expect(shown('pt', error)).toContain('não mostram a mesma pessoa');
  });

  it('still marks a single unusable photo, and leaves other errors to the message', () => {
    expect(slotsAfterRefusal(taken, new RpcError('PHOTO_UNUSABLE', 'x', { photo: 2, reason: 'noFace' }))).toMatchObject({
      active: 2,
      problem: { photo: 2, reason: 'noFace' },
    });
    expect(slotsAfterRefusal(taken, new RpcError('CLOUD_UNAVAILABLE', 'x'))).toBeNull();
  });
});
