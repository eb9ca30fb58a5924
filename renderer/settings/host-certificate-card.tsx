import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useTransport } from '../stores/stores';
import { Card, CardHeader } from '../ui/misc';
import { Skeleton } from '../ui/spinner';

/**
 * Admin: how the screens on the LAN reach this host securely. The host makes its own
 * certificate authority; each tablet and TV trusts it once, after checking the file's
 * fingerprint against the one shown here (a file swapped on the way would not match).
 */
export function HostCertificateCard() {
  const { t } = useTranslation();
  const transport = useTransport();
  const [fingerprint, setFingerprint] = useState<string | null | undefined>(undefined);
  useEffect(() => {
    let isCurrent = true;
    transport.call('settings.hostCertificate', {}, { background: true }).then(
      (value) => isCurrent && setFingerprint(value.fingerprint),
      () => isCurrent && setFingerprint(null),
    );
    return () => {
      isCurrent = false;
    };
  }, [transport]);
  return (
    <Card aria-labelledby="host-certificate-title">
      <CardHeader titleId="host-certificate-title" title={t('settings.hostCertificate.title')} subtitle={t('settings.hostCertificate.lead')} />
      <div className="card-body stack" data-testid="host-certificate">
        {fingerprint === undefined ? (
          <Skeleton variant="block" />
        ) : fingerprint === null ? (
          <p>{t('settings.hostCertificate.none')}</p>
        ) : (
          <>
            <p>{t('settings.hostCertificate.install')}</p>
            <p>
              <a href="/ca.crt" download="front-desk-ca.crt" data-testid="host-certificate-download">
                {t('settings.hostCertificate.download')}
              </a>
            </p>
            <p>{t('settings.hostCertificate.fingerprintLabel')}</p>
            <code className="fingerprint" data-testid="host-certificate-fingerprint">
              {fingerprint}
            </code>
          </>
        )}
      </div>
    </Card>
  );
}
