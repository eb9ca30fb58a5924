import { useCallback, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useStore } from 'zustand';
import { Icon } from '../ui/icons';
import { KioskFaceCamera } from '../faces/kiosk-face-camera';
import type { KioskFaceStore } from '../faces/kiosk-face.store';
import type { KioskStore } from './kiosk.store';
import './kiosk-start.css';

export function StartStep({ store, face }: { store: KioskStore; face: KioskFaceStore }) {
  const { t } = useTranslation();
  const availability = useStore(face, (state) => state.availability);
  const [hasCameraFailed, setHasCameraFailed] = useState(false);
  const onCameraFailed = useCallback(() => setHasCameraFailed(true), []);
  if (availability === 'on' && !hasCameraFailed) {
    return (
      <section className="kiosk-start is-face" aria-labelledby="kiosk-start-title">
        <p className="kiosk-eyebrow">{t('kiosk.welcome')}</p>
        <h1 id="kiosk-start-title" className="kiosk-title is-hero">
          {t('kioskFace.lookAtCamera')}
        </h1>
        <KioskFaceCamera store={face} onCameraFailed={onCameraFailed} />
        <button type="button" className="kiosk-secondary-start" data-testid="kiosk-start" onClick={() => store.getState().begin()}>
          <Icon name="keyboard" size={32} />
          <span className="kiosk-secondary-start-text">
            <span>{t('kioskFace.otherWay')}</span>
            <span className="kiosk-secondary-start-hint">{t('kioskFace.otherWayHint')}</span>
          </span>
        </button>
      </section>
    );
  }
  return (
    <section className="kiosk-start" aria-labelledby="kiosk-start-title">
      <p className="kiosk-eyebrow">{t('kiosk.welcome')}</p>
      <h1 id="kiosk-start-title" className="kiosk-title is-hero">
        {t('kiosk.startTitle')}
      </h1>
      <button type="button" className="kiosk-primary is-hero" data-testid="kiosk-start" onClick={() => store.getState().begin()}>
        <Icon name="checkCircle" size={40} />
        {t('kiosk.checkIn')}
      </button>
      <p className="kiosk-hint">{hasCameraFailed ? t('kioskFace.cameraProblem') : t('kiosk.startHint')}</p>
    </section>
  );
}

export function MethodStep({ store }: { store: KioskStore }) {
  const { t } = useTranslation();
  return (
    <section className="kiosk-step" aria-labelledby="kiosk-method-title">
      <StepHeader store={store} titleId="kiosk-method-title" title={t('kiosk.chooseMethod')} />
      <div className="kiosk-methods">
        <button type="button" className="kiosk-method" data-testid="kiosk-method-dob" onClick={() => store.getState().chooseMethod('dob')}>
          <span className="kiosk-method-icon">
            <Icon name="calendar" size={44} />
          </span>
          <span className="kiosk-method-title">{t('kiosk.methodDob')}</span>
          <span className="kiosk-method-hint">{t('kiosk.methodDobHint')}</span>
        </button>
        <button type="button" className="kiosk-method" data-testid="kiosk-method-code" onClick={() => store.getState().chooseMethod('code')}>
          <span className="kiosk-method-icon">
            <Icon name="keyboard" size={44} />
          </span>
          <span className="kiosk-method-title">{t('kiosk.methodCode')}</span>
          <span className="kiosk-method-hint">{t('kiosk.methodCodeHint')}</span>
        </button>
      </div>
    </section>
  );
}

export function StepHeader({ store, title, titleId }: { store: KioskStore; title: string; titleId: string }) {
  const { t } = useTranslation();
  return (
    <div className="kiosk-step-header">
      <button type="button" className="kiosk-back" onClick={() => store.getState().back()} data-testid="kiosk-back">
        <Icon name="chevronLeft" size={28} />
        {t('kiosk.back')}
      </button>
      <h1 id={titleId} className="kiosk-title">
        {title}
      </h1>
    </div>
  );
}
